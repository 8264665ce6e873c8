// Our one canvas module for tools that work on an image's pixels: the point tool (pointCanvas.js) and the touch-up
// brush (brushCanvas.js) both draw through a view made here. It owns what they must agree on: sizing the canvas for
// the screen's pixel ratio, the image-to-screen transform (fit, zoom at a point, pan), mapping a pointer from screen
// to image pixels, and pointer, wheel and drag handling. The tools only say what to draw, in image pixels, and what a
// pointer press, move or release does.

const MIN_ZOOM = 0.5;   // relative to "fit": a little smaller than the view is allowed, to see the edges
const MAX_ZOOM = 32;

/**
 * @param canvas      the <canvas> element
 * @param options.width, options.height   the image's size in pixels (what the tool's coordinates mean)
 * @param options.fill        true: the canvas fills its parent and the image is fitted inside (zoom and pan move it);
 *                            false: the canvas takes the image's shape, at most maxScale times its size (point tool)
 * @param options.maxScale    with fill = false
 * @param options.zoomable    wheel zoom, middle-button / Space / pan-mode drag
 * @param options.draw        (ctx, view) => void; ctx is already transformed to image pixels
 * @param options.onPointer   (kind, { x, y, nx, ny, inside, button, shiftKey, event }) => void; kind: down, move, up, leave
 * @param options.isPanning   () => bool: the tool's own pan mode
 */
export function createView(canvas, options) {
    const ctx = canvas.getContext('2d');
    const width = options.width, height = options.height;
    let fitScale = 1, zoom = 1, offsetX = 0, offsetY = 0, cssWidth = 1, cssHeight = 1;
    let spaceHeld = false, drag = null, frame = 0;

    function scale() { return fitScale * zoom; }

    function layout() {
        const ratio = window.devicePixelRatio || 1;
        const parent = canvas.parentElement;
        if (options.fill) {
            cssWidth = Math.max(1, parent ? parent.clientWidth : 640);
            cssHeight = Math.max(1, parent ? parent.clientHeight : 480);
            fitScale = Math.min(cssWidth / width, cssHeight / height);
        } else {
            const maxWidth = parent ? parent.clientWidth : 640;
            const maxHeight = Math.max(240, Math.min(560, window.innerHeight * 0.6));
            fitScale = Math.min(maxWidth / width, maxHeight / height, options.maxScale ?? 1.5);
            cssWidth = Math.max(1, Math.round(width * fitScale));
            cssHeight = Math.max(1, Math.round(height * fitScale));
            canvas.style.width = cssWidth + 'px';
            canvas.style.height = cssHeight + 'px';
        }
        canvas.width = Math.round(cssWidth * ratio);
        canvas.height = Math.round(cssHeight * ratio);
        centre();
    }

    function centre() {
        offsetX = (cssWidth - width * scale()) / 2;
        offsetY = (cssHeight - height * scale()) / 2;
        redraw();
    }

    function redraw() {
        if (frame) return;
        frame = requestAnimationFrame(() => { frame = 0; paint(); });
    }

    function paint() {
        const ratio = canvas.width / cssWidth;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        const s = scale() * ratio;
        ctx.setTransform(s, 0, 0, s, offsetX * ratio, offsetY * ratio);
        // Pixels stay crisp once magnified: the brush works on single pixels there.
        ctx.imageSmoothingEnabled = scale() < 2;
        options.draw(ctx, view);
        canvas.dataset.zoom = zoom.toFixed(3);
        // Where the image sits inside the canvas, in CSS pixels: what a browser test needs to aim at image pixels.
        canvas.dataset.imageRect = [offsetX, offsetY, width * scale(), height * scale()].map(v => v.toFixed(2)).join(',');
    }

    /** Screen (client) coordinates to image pixels, plus 0..1 coordinates (x right, y down). */
    function toImage(clientX, clientY) {
        const rect = canvas.getBoundingClientRect();
        const x = (clientX - rect.left - offsetX) / scale();
        const y = (clientY - rect.top - offsetY) / scale();
        return { x, y, nx: x / width, ny: y / height, inside: x >= 0 && y >= 0 && x <= width && y <= height };
    }

    function zoomTo(next, clientX, clientY) {
        const rect = canvas.getBoundingClientRect();
        const cx = clientX === undefined ? cssWidth / 2 : clientX - rect.left;
        const cy = clientY === undefined ? cssHeight / 2 : clientY - rect.top;
        const clamped = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, next));
        // Keep the image point under the cursor (or the centre) where it is.
        const ix = (cx - offsetX) / scale(), iy = (cy - offsetY) / scale();
        zoom = clamped;
        offsetX = cx - ix * scale();
        offsetY = cy - iy * scale();
        redraw();
    }

    function pointer(kind, e) {
        const p = toImage(e.clientX, e.clientY);
        options.onPointer?.(kind, { ...p, button: e.button, shiftKey: e.shiftKey, event: e });
    }

    const panning = e => options.zoomable && (e.button === 1 || spaceHeld || (options.isPanning?.() ?? false));

    const onDown = e => {
        if (panning(e)) {
            drag = { x: e.clientX, y: e.clientY, ox: offsetX, oy: offsetY };
            canvas.setPointerCapture?.(e.pointerId);
            e.preventDefault();
            return;
        }
        canvas.setPointerCapture?.(e.pointerId);
        pointer('down', e);
    };
    const onMove = e => {
        if (drag) {
            offsetX = drag.ox + e.clientX - drag.x;
            offsetY = drag.oy + e.clientY - drag.y;
            redraw();
            return;
        }
        pointer('move', e);
    };
    const onUp = e => {
        if (drag) { drag = null; return; }
        pointer('up', e);
    };
    const onLeave = e => { if (!drag) pointer('leave', e); };
    const onContext = e => e.preventDefault();
    const onWheel = e => {
        if (!options.zoomable) return;
        e.preventDefault();
        zoomTo(zoom * Math.exp(-e.deltaY * 0.0015), e.clientX, e.clientY);
    };
    const onKey = e => {
        if (e.code !== 'Space' || !options.zoomable) return;
        if (e.target && /^(INPUT|TEXTAREA|BUTTON)$/.test(e.target.tagName) && e.target.type !== 'range') return;
        spaceHeld = e.type === 'keydown';
        canvas.style.cursor = spaceHeld ? 'grab' : '';
        if (spaceHeld) e.preventDefault();
    };
    const onResize = () => layout();

    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointermove', onMove);
    canvas.addEventListener('pointerup', onUp);
    canvas.addEventListener('pointercancel', onUp);
    canvas.addEventListener('pointerleave', onLeave);
    canvas.addEventListener('contextmenu', onContext);
    canvas.addEventListener('wheel', onWheel, { passive: false });
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKey);
    window.addEventListener('resize', onResize);

    const view = {
        width, height,
        get scale() { return scale(); },
        get zoom() { return zoom; },
        layout, redraw, toImage,
        zoomBy(factor) { zoomTo(zoom * factor); },
        fit() { zoom = 1; centre(); },
        dispose() {
            canvas.removeEventListener('pointerdown', onDown);
            canvas.removeEventListener('pointermove', onMove);
            canvas.removeEventListener('pointerup', onUp);
            canvas.removeEventListener('pointercancel', onUp);
            canvas.removeEventListener('pointerleave', onLeave);
            canvas.removeEventListener('contextmenu', onContext);
            canvas.removeEventListener('wheel', onWheel);
            window.removeEventListener('keydown', onKey);
            window.removeEventListener('keyup', onKey);
            window.removeEventListener('resize', onResize);
            if (frame) cancelAnimationFrame(frame);
        },
    };
    layout();
    return view;
}

/** Loads an image for drawing and reading back (same-origin URLs, blob: and data: URLs). */
export function loadImage(url) {
    return new Promise((resolve, reject) => {
        const image = new Image();
        image.onload = () => resolve(image);
        image.onerror = () => reject(new Error('The image could not be loaded.'));
        image.src = url;
    });
}
