// The Studio's drop zone. Dropped and pasted files are put into the page's <input type=file> (through a
// DataTransfer) and a 'change' event is raised, so Blazor's InputFile reads every file the same way as a pick.
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

function setFiles(input, files) {
    if (!files || files.length === 0) return;
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
}

function hasFiles(event) {
    const types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, 'Files') >= 0;
}

/** Wires drag and drop (anywhere on the page, highlighted on the zone) and paste (anywhere) into the input. */
export function attachDropZone(zone, input) {
    let depth = 0;
    const show = on => zone.classList.toggle('is-dragging', on);

    const onDragEnter = e => { if (!hasFiles(e)) return; e.preventDefault(); depth++; show(true); };
    const onDragOver = e => { if (!hasFiles(e)) return; e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; };
    const onDragLeave = e => { if (!hasFiles(e)) return; depth = Math.max(0, depth - 1); if (depth === 0) show(false); };
    const onDrop = e => {
        if (!hasFiles(e)) return;
        e.preventDefault(); // never let the browser navigate away to the dropped image
        depth = 0; show(false);
        setFiles(input, e.dataTransfer.files);
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
        setFiles(input, files);
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
        dispose() {
            document.removeEventListener('dragenter', onDragEnter);
            document.removeEventListener('dragover', onDragOver);
            document.removeEventListener('dragleave', onDragLeave);
            document.removeEventListener('drop', onDrop);
            document.removeEventListener('paste', onPaste);
            zone.removeEventListener('keydown', onKey);
        },
    };
}

async function inspectFile(file) {
    const result = { name: file.name, size: file.size, type: file.type || null, format: null, width: 0, height: 0, decodable: false, previewUrl: null };
    try {
        const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
        const match = signatures.find(s => s.test(head));
        result.format = match ? match.format : null;
    } catch {
        return result; // unreadable: the server-side read will say so
    }
    if (!result.format) return result;
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

/** Facts about every file currently in the input, in the same order as InputFile hands them to .NET. */
export async function inspect(input) {
    const files = Array.from(input.files || []);
    return Promise.all(files.map(inspectFile));
}

export function revoke(urls) {
    for (const url of urls || []) {
        if (typeof url === 'string' && url.startsWith('blob:')) URL.revokeObjectURL(url);
    }
}
