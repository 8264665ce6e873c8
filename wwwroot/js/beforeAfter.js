// Before/after slider: moves the divider with the range input (keyboard, screen readers) or by dragging
// anywhere on the picture. Only CSS variables change: no round trip to the server while dragging.
// Also, all in the browser: the backdrop behind the cut-out (swatches, a picture of the user's, the original
// blurred) and zoom (buttons, Ctrl + wheel) with panning by drag while zoomed in.

const MIN_ZOOM = 1, MAX_ZOOM = 8, STEP = 1.5;

export function attach(root) {
    const range = root.querySelector('input[type=range]');
    const stage = root.querySelector('.ba-stage');
    if (!range || !stage) return { dispose() { } };
    const content = stage.querySelector('.ba-zoom');
    const backdrop = stage.querySelector('.ba-backdrop');
    const level = root.querySelector('.ba-zoom-level');
    const picture = root.querySelector('.ba-swatch-picture input[type=file]');

    let pos = 50, zoom = 1, tx = 0, ty = 0, pictureUrl = null;

    // The divider is drawn in the stage's space; the original is clipped in the zoomed content's space, so the two
    // meet wherever the picture has been moved.
    const render = () => {
        const w = stage.clientWidth || 1;
        root.style.setProperty('--ba-pos', pos + '%');
        root.style.setProperty('--ba-clip', ((pos - (tx / w) * 100) / zoom) + '%');
        if (content) content.style.transform = `translate(${tx}px, ${ty}px) scale(${zoom})`;
        if (level) level.textContent = Math.round(zoom * 100) + '%';
        stage.classList.toggle('is-zoomed', zoom > 1);
        root.dataset.zoom = String(zoom);
    };
    const set = value => {
        pos = Math.min(100, Math.max(0, Number(value)));
        range.value = String(pos);
        render();
    };
    // Keeps the content covering the stage: no empty band can be dragged into view.
    const clampPan = () => {
        const w = stage.clientWidth, h = stage.clientHeight;
        tx = Math.min(0, Math.max(w - w * zoom, tx));
        ty = Math.min(0, Math.max(h - h * zoom, ty));
    };
    const zoomTo = (next, cx, cy) => {
        next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, next));
        const w = stage.clientWidth, h = stage.clientHeight;
        cx ??= w / 2; cy ??= h / 2;
        // The point under (cx, cy) stays put.
        tx = cx - ((cx - tx) / zoom) * next;
        ty = cy - ((cy - ty) / zoom) * next;
        zoom = next;
        clampPan();
        render();
    };
    const fromPointer = e => {
        const rect = stage.getBoundingClientRect();
        if (rect.width > 0) set(((e.clientX - rect.left) / rect.width) * 100);
    };

    // Zoomed in, a drag pans (the range input still moves the divider); at 100% it moves the divider.
    let drag = null;
    const onInput = () => set(range.value);
    const onDown = e => {
        if (e.button !== 0) return;
        drag = zoom > 1 ? { x: e.clientX - tx, y: e.clientY - ty } : 'divider';
        stage.setPointerCapture(e.pointerId);
        if (drag === 'divider') fromPointer(e);
    };
    const onMove = e => {
        if (!drag) return;
        if (drag === 'divider') { fromPointer(e); return; }
        tx = e.clientX - drag.x;
        ty = e.clientY - drag.y;
        clampPan();
        render();
    };
    const onUp = e => {
        drag = null;
        if (stage.hasPointerCapture(e.pointerId)) stage.releasePointerCapture(e.pointerId);
    };
    const onWheel = e => {
        if (!e.ctrlKey && !e.metaKey) return; // a plain wheel scrolls the page
        e.preventDefault();
        const rect = stage.getBoundingClientRect();
        zoomTo(e.deltaY < 0 ? zoom * 1.25 : zoom / 1.25, e.clientX - rect.left, e.clientY - rect.top);
    };
    const onClick = e => {
        if (e.target.closest('[data-backdrop-download]')) { downloadOnBackdrop(); return; }
        const swatch = e.target.closest('button[data-backdrop]');
        if (swatch && root.contains(swatch)) { choose(swatch.dataset.backdrop, swatch.dataset.colour); return; }
        const tool = e.target.closest('button[data-zoom]');
        if (!tool || !root.contains(tool)) return;
        if (tool.dataset.zoom === 'in') zoomTo(zoom * STEP);
        else if (tool.dataset.zoom === 'out') zoomTo(zoom / STEP);
        else { zoom = 1; tx = 0; ty = 0; render(); }
    };

    const choose = (kind, colour, url) => {
        root.dataset.backdrop = kind;
        if (backdrop) {
            backdrop.style.backgroundColor = kind === 'colour' || colour ? (colour || '') : '';
            backdrop.style.backgroundImage = url ? `url("${url}")` : '';
        }
        root.querySelectorAll('[data-backdrop]').forEach(b => {
            if (b.tagName === 'BUTTON') b.setAttribute('aria-pressed', String(b.dataset.backdrop === kind));
        });
        root.querySelector('.ba-swatch-picture')?.classList.toggle('is-pressed', kind === 'picture');
    };
    // The cut-out on the chosen backdrop at the cut-out's own size, drawn as the preview draws it (a colour; a picture
    // covering the frame; the original blurred by 2% of its width), saved as a JPEG: there is no transparency left.
    const downloadOnBackdrop = async () => {
        const after = root.querySelector('img.ba-after');
        const kind = root.dataset.backdrop;
        if (!after || !after.naturalWidth || !kind || kind === 'transparent') return;
        const w = after.naturalWidth, h = after.naturalHeight;
        const canvas = document.createElement('canvas');
        canvas.width = w; canvas.height = h;
        const ctx = canvas.getContext('2d');
        const cover = img => {
            const scale = Math.max(w / img.naturalWidth, h / img.naturalHeight);
            const dw = img.naturalWidth * scale, dh = img.naturalHeight * scale;
            ctx.drawImage(img, (w - dw) / 2, (h - dh) / 2, dw, dh);
        };
        if (kind === 'blur') {
            const original = root.querySelector('img.ba-backdrop-blur');
            if (original && !original.complete) await original.decode();
            ctx.filter = `blur(${Math.max(2, Math.round(w * 0.02))}px)`;
            cover(original);
            ctx.filter = 'none';
        } else if (kind === 'picture' && pictureUrl) {
            const img = new Image();
            img.src = pictureUrl;
            await img.decode();
            cover(img);
        } else {
            ctx.fillStyle = getComputedStyle(backdrop).backgroundColor || '#ffffff';
            ctx.fillRect(0, 0, w, h);
        }
        ctx.drawImage(after, 0, 0, w, h);
        const blob = await new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', 0.92));
        if (!blob) return;
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = `cutout-on-${kind}.jpg`;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    };
    const onPicture = () => {
        const file = picture.files && picture.files[0];
        if (!file || !file.type.startsWith('image/')) return;
        if (pictureUrl) URL.revokeObjectURL(pictureUrl);
        pictureUrl = URL.createObjectURL(file);
        choose('picture', null, pictureUrl);
    };
    const onResize = () => { clampPan(); render(); };

    range.addEventListener('input', onInput);
    stage.addEventListener('pointerdown', onDown);
    stage.addEventListener('pointermove', onMove);
    stage.addEventListener('pointerup', onUp);
    stage.addEventListener('pointercancel', onUp);
    stage.addEventListener('wheel', onWheel, { passive: false });
    root.addEventListener('click', onClick);
    picture?.addEventListener('change', onPicture);
    window.addEventListener('resize', onResize);
    choose('transparent');
    set(range.value);
    root.dataset.ready = 'true';

    return {
        set,
        dispose() {
            range.removeEventListener('input', onInput);
            stage.removeEventListener('pointerdown', onDown);
            stage.removeEventListener('pointermove', onMove);
            stage.removeEventListener('pointerup', onUp);
            stage.removeEventListener('pointercancel', onUp);
            stage.removeEventListener('wheel', onWheel);
            root.removeEventListener('click', onClick);
            picture?.removeEventListener('change', onPicture);
            window.removeEventListener('resize', onResize);
            if (pictureUrl) URL.revokeObjectURL(pictureUrl);
        },
    };
}
