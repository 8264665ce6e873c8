// Touch-up brush: erase parts of a result or bring the original photo back, with a soft-edged round brush, undo/redo,
// zoom and pan (the shared canvas view, maskCanvas.js). What is painted is kept as ONE greyscale edit the size of the
// result: 128 leaves a pixel alone, 0 erases it, 255 restores the photo, soft edges in between. That edit is all that
// is sent on Save (a mostly flat PNG of a few kilobytes); the server composes the new version from its own stored
// photo and result with the same rule (BlazorCutout.Engine IResultEditor), so the preview here is what gets saved.

import { createView, loadImage } from './maskCanvas.js';

const UNCHANGED = 128;

export async function create(canvas, photoUrl, resultUrl, dotnet) {
    const [photo, result] = await Promise.all([loadImage(photoUrl), loadImage(resultUrl)]);
    const w = result.naturalWidth, h = result.naturalHeight, n = w * h;

    // Both images as RGBA at the result's size (a service may return a rescaled photo; the server resizes the same way).
    const resultPx = pixelsOf(result, w, h);
    const photoPx = pixelsOf(photo, w, h);
    const edit = new Uint8Array(n).fill(UNCHANGED);
    const preview = document.createElement('canvas');
    preview.width = w; preview.height = h;
    const previewCtx = preview.getContext('2d');
    const previewData = new ImageData(new Uint8ClampedArray(resultPx), w, h);
    previewCtx.putImageData(previewData, 0, 0);

    const settings = { mode: 'erase', size: Math.max(4, Math.round(Math.min(w, h) / 15)), softness: 0.5, pan: false };
    const undoStack = [], redoStack = [];
    let stroke = null, cursor = null;
    const cover = new Uint8Array(n);   // this stroke's coverage per pixel (max over its dabs), cleared after each stroke
    const checker = checkerPattern(canvas.getContext('2d'));

    function draw(ctx, v) {
        ctx.save();
        ctx.fillStyle = checker;
        ctx.fillRect(0, 0, v.width, v.height);
        ctx.restore();
        ctx.drawImage(preview, 0, 0);
        if (cursor && !settings.pan) {
            ctx.beginPath();
            ctx.arc(cursor.x, cursor.y, settings.size / 2, 0, Math.PI * 2);
            ctx.lineWidth = 1.5 / v.scale;
            ctx.strokeStyle = settings.mode === 'erase' ? '#ef4444' : '#22c55e';
            ctx.stroke();
        }
    }

    // The server's rule (MaskEdit.Apply), pixel i of the preview.
    function shade(i) {
        const v = edit[i], o = i * 4, d = previewData.data;
        if (v === UNCHANGED) {
            d[o] = resultPx[o]; d[o + 1] = resultPx[o + 1]; d[o + 2] = resultPx[o + 2]; d[o + 3] = resultPx[o + 3];
        } else if (v < UNCHANGED) {
            d[o] = resultPx[o]; d[o + 1] = resultPx[o + 1]; d[o + 2] = resultPx[o + 2];
            d[o + 3] = Math.round(resultPx[o + 3] * (v / 128));
        } else {
            const s = (v - 128) / 127, keep = (resultPx[o + 3] / 255) * (1 - s), na = keep + s;
            for (let c = 0; c < 3; c++) d[o + c] = Math.round((resultPx[o + c] * keep + photoPx[o + c] * s) / na);
            d[o + 3] = Math.round(na * 255);
        }
    }

    function refresh(x0, y0, x1, y1) {
        for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) shade(y * w + x);
        previewCtx.putImageData(previewData, 0, 0, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    // One round dab: full strength inside the hard core, fading to nothing at the rim (softness = the fading share).
    function dab(cx, cy) {
        const r = settings.size / 2, hard = r * (1 - settings.softness);
        const x0 = Math.max(0, Math.floor(cx - r)), x1 = Math.min(w - 1, Math.ceil(cx + r));
        const y0 = Math.max(0, Math.floor(cy - r)), y1 = Math.min(h - 1, Math.ceil(cy + r));
        if (x0 > x1 || y0 > y1) return;
        const target = settings.mode === 'erase' ? 0 : 255;
        for (let y = y0; y <= y1; y++) {
            for (let x = x0; x <= x1; x++) {
                const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
                if (d > r) continue;
                let s = d <= hard ? 1 : 1 - (d - hard) / (r - hard);
                s = s * s * (3 - 2 * s);
                const c = Math.round(s * 255), i = y * w + x;
                if (c <= cover[i]) continue;
                // Within a stroke, coverage is the max over its dabs, so overlapping dabs do not build up darker rings.
                cover[i] = c;
                edit[i] = Math.round(stroke.base[i] + (target - stroke.base[i]) * c / 255);
            }
        }
        refresh(x0, y0, x1, y1);
        stroke.x0 = Math.min(stroke.x0, x0); stroke.y0 = Math.min(stroke.y0, y0);
        stroke.x1 = Math.max(stroke.x1, x1); stroke.y1 = Math.max(stroke.y1, y1);
    }

    function line(a, b) {
        const step = Math.max(1, settings.size / 8);
        const dist = Math.hypot(b.x - a.x, b.y - a.y), steps = Math.max(1, Math.ceil(dist / step));
        for (let k = 1; k <= steps; k++) dab(a.x + (b.x - a.x) * k / steps, a.y + (b.y - a.y) * k / steps);
    }

    function endStroke() {
        if (!stroke) return;
        const s = stroke;
        stroke = null;
        if (s.x1 < s.x0) return;
        const rect = { x0: s.x0, y0: s.y0, x1: s.x1, y1: s.y1 };
        const before = copyRect(s.base, rect), after = copyRect(edit, rect);
        for (let y = rect.y0; y <= rect.y1; y++) cover.fill(0, y * w + rect.x0, y * w + rect.x1 + 1);
        undoStack.push({ rect, before, after });
        redoStack.length = 0;
        changed();
    }

    function copyRect(source, r) {
        const rw = r.x1 - r.x0 + 1, out = new Uint8Array(rw * (r.y1 - r.y0 + 1));
        for (let y = r.y0; y <= r.y1; y++) out.set(source.subarray(y * w + r.x0, y * w + r.x1 + 1), (y - r.y0) * rw);
        return out;
    }

    function pasteRect(values, r) {
        const rw = r.x1 - r.x0 + 1;
        for (let y = r.y0; y <= r.y1; y++) edit.set(values.subarray((y - r.y0) * rw, (y - r.y0 + 1) * rw), y * w + r.x0);
        refresh(r.x0, r.y0, r.x1, r.y1);
    }

    function changed() {
        canvas.dataset.strokes = String(undoStack.length);
        view.redraw();
        dotnet?.invokeMethodAsync('OnHistoryChanged', undoStack.length > 0, redoStack.length > 0);
    }

    function onPointer(kind, p) {
        cursor = p.inside || stroke ? { x: p.x, y: p.y } : null;
        if (kind === 'down' && p.button === 0 && p.inside) {
            stroke = { base: edit.slice(), last: { x: p.x, y: p.y }, x0: w, y0: h, x1: -1, y1: -1 };
            dab(p.x, p.y);
        } else if (kind === 'move' && stroke) {
            line(stroke.last, p);
            stroke.last = { x: p.x, y: p.y };
        } else if (kind === 'up' || kind === 'leave') {
            endStroke();
        }
        view.redraw();
    }

    const view = createView(canvas, { width: w, height: h, fill: true, zoomable: true, draw, onPointer, isPanning: () => settings.pan });

    const api = {
        setMode(mode) { settings.mode = mode === 'restore' ? 'restore' : 'erase'; settings.pan = mode === 'pan'; canvas.style.cursor = settings.pan ? 'grab' : 'crosshair'; view.redraw(); },
        setSize(size) { settings.size = Math.max(1, Number(size) || 1); view.redraw(); },
        setSoftness(value) { settings.softness = Math.min(0.95, Math.max(0, Number(value) || 0)); },
        undo() {
            const step = undoStack.pop();
            if (!step) return;
            pasteRect(step.before, step.rect);
            redoStack.push(step);
            changed();
        },
        redo() {
            const step = redoStack.pop();
            if (!step) return;
            pasteRect(step.after, step.rect);
            undoStack.push(step);
            changed();
        },
        zoomIn() { view.zoomBy(1.25); },
        zoomOut() { view.zoomBy(0.8); },
        fit() { view.fit(); },
        layout() { view.layout(); },
        /** Posts the edit as a PNG; returns { ok, message }. */
        async save(url) {
            const grey = document.createElement('canvas');
            grey.width = w; grey.height = h;
            const data = new ImageData(w, h);
            for (let i = 0; i < n; i++) { const o = i * 4; data.data[o] = data.data[o + 1] = data.data[o + 2] = edit[i]; data.data[o + 3] = 255; }
            grey.getContext('2d').putImageData(data, 0, 0);
            const blob = await new Promise(resolve => grey.toBlob(resolve, 'image/png'));
            try {
                const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: blob, credentials: 'same-origin' });
                if (response.ok) return { ok: true, message: null };
                let message = `The server answered ${response.status}.`;
                try { message = (await response.json()).detail || message; } catch { /* not a problem document */ }
                return { ok: false, message };
            } catch {
                return { ok: false, message: 'The edit could not be sent: the connection to the server failed.' };
            }
        },
        dispose() { window.removeEventListener('keydown', onKey); view.dispose(); },
    };

    // Ctrl+Z / Cmd+Z undo; with Shift (or Ctrl+Y) redo — while the editor is open.
    const onKey = e => {
        if (!(e.ctrlKey || e.metaKey)) return;
        const key = e.key.toLowerCase();
        if (key === 'z' && !e.shiftKey) { e.preventDefault(); api.undo(); }
        else if ((key === 'z' && e.shiftKey) || key === 'y') { e.preventDefault(); api.redo(); }
    };
    window.addEventListener('keydown', onKey);

    canvas.style.cursor = 'crosshair';
    canvas.dataset.strokes = '0';
    canvas.dataset.ready = 'true';
    dotnet?.invokeMethodAsync('OnReady', w, h, settings.size);
    return api;
}

function pixelsOf(image, w, h) {
    const c = document.createElement('canvas');
    c.width = w; c.height = h;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(image, 0, 0, w, h);
    return ctx.getImageData(0, 0, w, h).data;
}

function checkerPattern(ctx) {
    const tile = document.createElement('canvas');
    tile.width = tile.height = 16;
    const t = tile.getContext('2d');
    t.fillStyle = '#e5e7eb'; t.fillRect(0, 0, 16, 16);
    t.fillStyle = '#ffffff'; t.fillRect(0, 0, 8, 8); t.fillRect(8, 8, 8, 8);
    return ctx.createPattern(tile, 'repeat');
}
