// Point tool for "Segment by points": records clicks on the image as normalised 0..1 coordinates (x right, y down),
// the way the segmentation API (001) and the local engine take them. Left click = positive (green, on the subject);
// right click or shift+click = negative (red, not the subject). Sizing, drawing transform and pointer mapping are the
// shared canvas view's (maskCanvas.js), the same the touch-up brush uses.

import { createView, loadImage } from './maskCanvas.js';

const POSITIVE = '#16a34a';
const NEGATIVE = '#dc2626';

export function create(canvas, imageUrl, dotnet) {
    const points = []; // { x, y, positive }
    let view = null;
    let disposed = false;

    function draw(ctx, v) {
        ctx.drawImage(image, 0, 0, v.width, v.height);
        // Markers keep their on-screen size whatever the image's size: radius in CSS pixels over the scale.
        const r = Math.max(8, (v.width * v.scale) / 70) / v.scale;
        points.forEach(p => {
            const x = p.x * v.width, y = p.y * v.height;
            ctx.beginPath();
            ctx.arc(x, y, r, 0, Math.PI * 2);
            ctx.fillStyle = p.positive ? POSITIVE : NEGATIVE;
            ctx.fill();
            ctx.lineWidth = Math.max(2, r / 3);
            ctx.strokeStyle = '#fff';
            ctx.stroke();
            ctx.fillStyle = '#fff';
            ctx.font = `bold ${Math.round(r * 1.2)}px sans-serif`;
            ctx.textAlign = 'center';
            ctx.textBaseline = 'middle';
            ctx.fillText(p.positive ? '+' : '−', x, y + 0.5);
        });
    }

    function changed() {
        canvas.dataset.points = String(points.length);
        view?.redraw();
        const positive = points.filter(p => p.positive).map(p => ({ x: p.x, y: p.y }));
        const negative = points.filter(p => !p.positive).map(p => ({ x: p.x, y: p.y }));
        if (dotnet) dotnet.invokeMethodAsync('OnPointsChanged', positive, negative);
    }

    function onPointer(kind, p) {
        if (kind !== 'down' || !p.inside || (p.button !== 0 && p.button !== 2)) return;
        const positive = p.button === 0 && !p.shiftKey;
        points.push({ x: Math.round(p.nx * 10000) / 10000, y: Math.round(p.ny * 10000) / 10000, positive });
        changed();
    }

    let image = null;
    loadImage(imageUrl).then(loaded => {
        if (disposed) return;
        image = loaded;
        view = createView(canvas, { width: image.naturalWidth, height: image.naturalHeight, fill: false, maxScale: 1.5, zoomable: false, draw, onPointer });
        canvas.dataset.ready = 'true';
    });

    return {
        undo() { points.pop(); changed(); },
        clear() { points.length = 0; changed(); },
        dispose() { disposed = true; view?.dispose(); },
    };
}
