// The Studio's drop zone. Dropped and pasted files are put into the page's <input type=file> (through a
// DataTransfer) and a 'change' event is raised, so Blazor's InputFile reads every file the same way as a pick.
// Every change of that input waits in a queue first: InputFile forgets the files of its previous change (they can
// no longer be read) as soon as a new one arrives, so the next batch is handed over only when .NET says, through
// next(), that it has read the current one.
// inspect() gives instant, client-side facts about the chosen files (real format from the first bytes, pixel
// size, a preview URL); the server checks everything again.

const signatures = [
    { format: 'png', test: b => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
    { format: 'jpeg', test: b => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
    { format: 'webp', test: b => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
    { format: 'gif', test: b => ascii(b, 0, 4) === 'GIF8' },
    { format: 'bmp', test: b => b[0] === 0x42 && b[1] === 0x4d },
    { format: 'tiff', test: b => (b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a) },
    { format: 'heif', test: b => ascii(b, 4, 8) === 'ftyp' && /^(heic|heix|mif1|msf1|avif)/.test(ascii(b, 8, 12)) },
];

function ascii(bytes, from, to) {
    let s = '';
    for (let i = from; i < to && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return s;
}

// The batch each input last handed to .NET: the input's own list may have been replaced by a newer pick meanwhile.
const handed = new WeakMap();
// That batch's number, as announced to .NET when it was given (see attachDropZone).
const handedIds = new WeakMap();

function hasFiles(event) {
    const types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, 'Files') >= 0;
}

/**
 * Wires drag and drop (anywhere on the page, highlighted on the zone), paste (anywhere) and picks into the input,
 * one batch at a time; call next() on the result when .NET has read the batch it was given.
 * Every batch is announced to .NET (announcer.BatchGiven(number, names)) the moment it is given, before it waits its
 * turn: what the user had chosen then (provider, mode, options) is what the batch is sent with, whatever they click
 * while it waits or uploads. The announcement goes out before the batch's change event, on the same connection.
 */
export function attachDropZone(zone, input, announcer, pendingKey) {
    const waiting = [];
    // The batch being read, by its key in the pending store (see PendingUploads.cs).
    let current = null;
    let reading = false;
    let handingOver = false;
    let numbered = 0;

    const handOver = () => {
        if (reading || waiting.length === 0) return;
        const { id, files: batch, pendingId } = waiting.shift();
        reading = true;
        current = pendingId;
        handed.set(input, batch);
        handedIds.set(input, id);
        const transfer = new DataTransfer();
        for (const file of batch) transfer.items.add(file);
        input.files = transfer.files;
        handingOver = true;
        try {
            input.dispatchEvent(new Event('change', { bubbles: true }));
        } finally {
            handingOver = false;
        }
    };
    const enqueue = files => {
        if (!files || files.length === 0) return;
        const batch = { id: ++numbered, files: Array.from(files) };
        // Kept until .NET has read it (next()): if the page or the server goes away first, the next load of the
        // Studio finds it here and says which files never arrived.
        if (pendingKey) {
            batch.pendingId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
            addPending(pendingKey, { id: batch.pendingId, names: batch.files.map(f => f.name), at: Date.now() });
        }
        if (announcer) {
            announcer.invokeMethodAsync('BatchGiven', batch.id, batch.files.map(f => f.name))
                .catch(() => { /* the circuit is gone: nothing to announce to */ });
        }
        waiting.push(batch);
        handOver();
    };
    // Capturing on window runs before InputFile's own listener on the input: a pick (or a test's setInputFiles)
    // is held back here and queued like a drop, and only handOver's own event reaches InputFile.
    const onChange = e => {
        if (e.target !== input || handingOver) return;
        e.stopImmediatePropagation();
        enqueue(input.files);
    };
    window.addEventListener('change', onChange, true);

    let depth = 0;
    const show = on => zone.classList.toggle('is-dragging', on);

    const onDragEnter = e => { if (!hasFiles(e)) return; e.preventDefault(); depth++; show(true); };
    const onDragOver = e => { if (!hasFiles(e)) return; e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; };
    const onDragLeave = e => { if (!hasFiles(e)) return; depth = Math.max(0, depth - 1); if (depth === 0) show(false); };
    const onDrop = e => {
        if (!hasFiles(e)) return;
        e.preventDefault(); // never let the browser navigate away to the dropped image
        depth = 0; show(false);
        enqueue(e.dataTransfer.files);
    };
    const onPaste = e => {
        const data = e.clipboardData;
        if (!data || !data.files || data.files.length === 0) return; // plain text pastes go where they were aimed
        e.preventDefault();
        const stamp = new Date().toTimeString().slice(0, 8).replace(/:/g, '');
        const files = Array.from(data.files).map((file, i) => {
            // Screenshots arrive as "image.png"; give them a name the user can tell apart.
            if (file.name && file.name !== 'image.png') return file;
            const ext = (file.type.split('/')[1] || 'png').replace('jpeg', 'jpg');
            return new File([file], `pasted-${stamp}${i ? '-' + (i + 1) : ''}.${ext}`, { type: file.type, lastModified: Date.now() });
        });
        enqueue(files);
    };

    document.addEventListener('dragenter', onDragEnter);
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('dragleave', onDragLeave);
    document.addEventListener('drop', onDrop);
    document.addEventListener('paste', onPaste);
    const onKey = e => {
        if ((e.key === 'Enter' || e.key === ' ') && e.target.classList && e.target.classList.contains('drop-zone')) { e.preventDefault(); input.click(); }
    };
    zone.addEventListener('keydown', onKey);
    zone.dataset.dropReady = 'true'; // lets browser tests know drops and pastes are handled now

    return {
        /** .NET has read every file of the batch it was handed: the next one may replace it. */
        next() {
            if (pendingKey && current) removePending(pendingKey, current);
            current = null;
            reading = false;
            handed.delete(input);
            handedIds.delete(input);
            handOver();
        },
        dispose() {
            window.removeEventListener('change', onChange, true);
            document.removeEventListener('dragenter', onDragEnter);
            document.removeEventListener('dragover', onDragOver);
            document.removeEventListener('dragleave', onDragLeave);
            document.removeEventListener('drop', onDrop);
            document.removeEventListener('paste', onPaste);
            zone.removeEventListener('keydown', onKey);
        },
    };
}

// Pixel size from the header alone, as the server reads it before decoding: a decompression bomb (30000×30000 in a
// few KB) is then refused for its size, not called damaged because the browser would not draw it.
const u16be = (b, i) => (b[i] << 8) | b[i + 1];
const u16le = (b, i) => b[i] | (b[i + 1] << 8);
const u32be = (b, i) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
const u32le = (b, i) => b[i] + (b[i + 1] << 8) + (b[i + 2] << 16) + ((b[i + 3] << 24) >>> 0);

function headerSize(b, format) {
    if (format === 'png' && b.length >= 24) return [u32be(b, 16), u32be(b, 20)];
    if (format === 'gif' && b.length >= 10) return [u16le(b, 6), u16le(b, 8)];
    if (format === 'bmp' && b.length >= 26) return [Math.abs(u32le(b, 18) | 0), Math.abs(u32le(b, 22) | 0)];
    if (format === 'webp' && b.length >= 30) {
        const chunk = ascii(b, 12, 16);
        if (chunk === 'VP8X') return [1 + (b[24] | (b[25] << 8) | (b[26] << 16)), 1 + (b[27] | (b[28] << 8) | (b[29] << 16))];
        if (chunk === 'VP8L') { const v = u32le(b, 21); return [1 + (v & 0x3fff), 1 + ((v >>> 14) & 0x3fff)]; }
        if (chunk === 'VP8 ') return [u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff];
    }
    if (format === 'jpeg') {
        for (let i = 2; i + 9 < b.length;) {
            if (b[i] !== 0xff) { i++; continue; }
            const marker = b[i + 1];
            if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return [u16be(b, i + 7), u16be(b, i + 5)];
            if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) { i += marker === 0xff ? 1 : 2; continue; }
            i += 2 + u16be(b, i + 2);
        }
    }
    return null;
}

// Larger than any provider takes: not worth the browser's memory to draw (the check refuses it by its header size).
const maxDecodedPixels = 16384 * 16384;

async function inspectFile(file) {
    const result = { name: file.name, size: file.size, type: file.type || null, format: null, width: 0, height: 0, decodable: false, previewUrl: null };
    try {
        const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
        const match = signatures.find(s => s.test(head));
        result.format = match ? match.format : null;
        const size = match ? headerSize(head, match.format) : null;
        if (size) [result.width, result.height] = size;
    } catch {
        return result; // unreadable: the server-side read will say so
    }
    if (!result.format || result.width * result.height > maxDecodedPixels) return result;
    try {
        const bitmap = await createImageBitmap(file);
        result.width = bitmap.width;
        result.height = bitmap.height;
        result.decodable = true;
        bitmap.close();
        result.previewUrl = URL.createObjectURL(file);
    } catch {
        // Formats the browser cannot draw (TIFF, HEIF) may still be fine for the server: it decides.
    }
    return result;
}

/** Facts about every file the input handed to .NET, in the same order as InputFile hands them over. */
export async function inspect(input) {
    const files = handed.get(input) || Array.from(input.files || []);
    return Promise.all(files.map(inspectFile));
}

/** The number of the batch the input handed to .NET (0 when none was announced). */
export function handedBatch(input) {
    return handedIds.get(input) || 0;
}

export function revoke(urls) {
    for (const url of urls || []) {
        if (typeof url === 'string' && url.startsWith('blob:')) URL.revokeObjectURL(url);
    }
}

// A list of ids in localStorage (the Studio's dismissed cards). Storage may be full or switched off: then the
// list is simply empty, and a reload shows those cards again.
export function readIds(key) {
    try {
        const ids = JSON.parse(localStorage.getItem(key) || '[]');
        return Array.isArray(ids) ? ids.filter(id => typeof id === 'string') : [];
    } catch {
        return [];
    }
}

function writeIds(key, ids) {
    try {
        if (ids.length === 0) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(ids));
    } catch {
        // see readIds
    }
}

export function addIds(key, ids) {
    const stored = readIds(key);
    writeIds(key, stored.concat((ids || []).filter(id => !stored.includes(id))));
}

export function keepIds(key, ids) {
    const keep = new Set(ids || []);
    writeIds(key, readIds(key).filter(id => keep.has(id)));
}

/**
 * Keys of the big result view: ← → step through the results, D downloads the one shown, Esc goes back to the grid.
 * Not while typing in a field or moving the divider (the range input has its own arrows), and only while the view
 * is open, so the keys mean nothing elsewhere on the page.
 */
export function attachResultKeys(root, keys) {
    const typing = t => t instanceof Element && (t.closest('input, textarea, select, [contenteditable=true], [role=listbox], .mud-popover-open') !== null);
    const onKey = e => {
        if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
        const stage = root.querySelector('[data-testid=result-stage]');
        if (!stage) return;
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
            e.preventDefault();
            keys.invokeMethodAsync('Key', e.key === 'ArrowRight' ? 'next' : 'previous');
        } else if (e.key === 'Escape') {
            e.preventDefault();
            keys.invokeMethodAsync('Key', 'close');
        } else if (e.key === 'd' || e.key === 'D') {
            const download = stage.querySelector('[data-testid=download-result]');
            if (download) { e.preventDefault(); download.click(); }
        }
    };
    document.addEventListener('keydown', onKey);
    root.dataset.keysReady = 'true';
    return { dispose() { document.removeEventListener('keydown', onKey); } };
}

/** Brings the big result view to the top of the window (it may have opened far above a card clicked low in the grid). */
export function reveal(element, focus) {
    if (!element) return;
    element.scrollIntoView({ block: 'start', behavior: 'instant' });
    // Focus only when the user opened it: a result that opens by itself must not pull the cursor out of a field.
    if (focus) element.focus({ preventScroll: true });
}

// The Studio's drops not read to the end (PendingUploads.cs): [{ id, names, at }] in localStorage, per user.
function readBatches(key) {
    try {
        const batches = JSON.parse(localStorage.getItem(key) || '[]');
        return Array.isArray(batches)
            ? batches.filter(b => b && typeof b.id === 'string' && Array.isArray(b.names) && typeof b.at === 'number')
            : [];
    } catch {
        return [];
    }
}

function writeBatches(key, batches) {
    try {
        if (batches.length === 0) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(batches));
    } catch {
        // see readIds
    }
}

// This page's own drops still being read: never taken for interrupted ones by keepPending.
const live = new Set();

function addPending(key, batch) {
    live.add(batch.id);
    writeBatches(key, readBatches(key).concat([batch]));
}

function removePending(key, id) {
    live.delete(id);
    writeBatches(key, readBatches(key).filter(b => b.id !== id));
}

/** The pending drops no older than maxAgeMs (older ones are forgotten), but this page's own. */
export function readPending(key, maxAgeMs) {
    const since = Date.now() - maxAgeMs;
    const batches = readBatches(key).filter(b => b.at >= since || live.has(b.id));
    writeBatches(key, batches);
    return batches.filter(b => !live.has(b.id));
}

/**
 * Keeps only the files named by refs ("batchId/index", one per interrupted card still shown); a name that is no
 * longer kept becomes null, so the other refs of its batch stay valid.
 */
export function keepPending(key, refs) {
    const keep = new Set(refs || []);
    writeBatches(key, readBatches(key)
        .map(b => live.has(b.id) ? b : { ...b, names: b.names.map((name, i) => keep.has(`${b.id}/${i}`) ? name : null) })
        .filter(b => b.names.some(name => name !== null)));
}
