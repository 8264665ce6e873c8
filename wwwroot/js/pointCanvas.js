// Point tool for "Segment by points": draws the image on a canvas and records clicks as normalised 0..1
// coordinates (x right, y down), the way the segmentation API (001) and the local engine take them.
// Left click = positive (green, on the subject); right click or shift+click = negative (red, not the subject).

const POSITIVE = '#16a34a';
const NEGATIVE = '#dc2626';

export function create(canvas, imageUrl, dotnet) {
    const ctx = canvas.getContext('2d');
    const points = []; // { x, y, positive }
    const image = new Image();
    let ready = false;

    function layout() {
        if (!ready) return;
        const ratio = window.devicePixelRatio || 1;
        const maxWidth = canvas.parentElement ? canvas.parentElement.clientWidth : 640;
        const maxHeight = Math.max(240, Math.min(560, window.innerHeight * 0.6));
        const scale = Math.min(maxWidth / image.naturalWidth, maxHeight / image.naturalHeight, 1.5);
        const width = Math.max(1, Math.round(image.naturalWidth * scale));
        const height = Math.max(1, Math.round(image.naturalHeight * scale));
        canvas.style.width = width + 'px';
        canvas.style.height = height + 'px';
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
        draw();
    }

    function draw() {
        if (!ready) return;
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
        const r = Math.max(8, canvas.width / 70);
        points.forEach((p, i) => {
            const x = p.x * canvas.width, y = p.y * canvas.height;
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
        canvas.dataset.points = String(points.length);
    }

    function notify() {
        const positive = points.filter(p => p.positive).map(p => ({ x: p.x, y: p.y }));
        const negative = points.filter(p => !p.positive).map(p => ({ x: p.x, y: p.y }));
        if (dotnet) dotnet.invokeMethodAsync('OnPointsChanged', positive, negative);
    }

    function add(event, positive) {
        if (!ready) return;
        const rect = canvas.getBoundingClientRect();
        const x = (event.clientX - rect.left) / rect.width;
        const y = (event.clientY - rect.top) / rect.height;
        if (x < 0 || x > 1 || y < 0 || y > 1) return;
        points.push({ x: Math.round(x * 10000) / 10000, y: Math.round(y * 10000) / 10000, positive });
        draw();
        notify();
    }

    const onClick = e => { if (e.button === 0) add(e, !e.shiftKey); };
    const onContext = e => { e.preventDefault(); add(e, false); };
    const onResize = () => layout();
    canvas.addEventListener('click', onClick);
    canvas.addEventListener('contextmenu', onContext);
    window.addEventListener('resize', onResize);

    image.onload = () => { ready = true; canvas.dataset.ready = 'true'; layout(); };
    image.src = imageUrl;

    return {
        undo() { points.pop(); draw(); notify(); },
        clear() { points.length = 0; draw(); notify(); },
        dispose() {
            canvas.removeEventListener('click', onClick);
            canvas.removeEventListener('contextmenu', onContext);
            window.removeEventListener('resize', onResize);
        },
    };
}
