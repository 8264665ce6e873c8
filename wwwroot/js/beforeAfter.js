// Before/after slider: moves the divider with the range input (keyboard, screen readers) or by dragging
// anywhere on the picture. Only a CSS variable changes: no round trip to the server while dragging.

export function attach(root) {
    const range = root.querySelector('input[type=range]');
    const stage = root.querySelector('.ba-stage');
    if (!range || !stage) return { dispose() { } };

    const set = value => {
        const v = Math.min(100, Math.max(0, Number(value)));
        root.style.setProperty('--ba-pos', v + '%');
        range.value = String(v);
    };
    const fromPointer = e => {
        const rect = stage.getBoundingClientRect();
        if (rect.width > 0) set(((e.clientX - rect.left) / rect.width) * 100);
    };

    let dragging = false;
    const onInput = () => set(range.value);
    const onDown = e => {
        if (e.button !== 0) return;
        dragging = true;
        stage.setPointerCapture(e.pointerId);
        fromPointer(e);
    };
    const onMove = e => { if (dragging) fromPointer(e); };
    const onUp = e => {
        dragging = false;
        if (stage.hasPointerCapture(e.pointerId)) stage.releasePointerCapture(e.pointerId);
    };

    range.addEventListener('input', onInput);
    stage.addEventListener('pointerdown', onDown);
    stage.addEventListener('pointermove', onMove);
    stage.addEventListener('pointerup', onUp);
    stage.addEventListener('pointercancel', onUp);
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
        },
    };
}
