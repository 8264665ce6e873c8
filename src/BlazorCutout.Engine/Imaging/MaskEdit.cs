namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// The pixel rule of <see cref="IResultEditor"/>. An edit value v below 128 scales alpha by v/128: a soft erase
/// stroke painted over the neutral grey with coverage s leaves 128·(1−s), so alpha becomes α·(1−s), exactly "erase
/// with strength s". Above 128, s = (v−128)/127 blends toward the photo in premultiplied space:
/// α' = α·(1−s) + s and colour' = (colour·α·(1−s) + photo·s) / α'. Premultiplied, so restoring where the result was
/// transparent takes the photo's colour rather than whatever colour the provider left under zero alpha.
/// </summary>
public static class MaskEdit
{
    public static void Apply(Span<byte> rgba, ReadOnlySpan<byte> photoRgb, ReadOnlySpan<byte> edit, int width, int height)
    {
        int n = BufferChecks.PixelCount(width, height);
        BufferChecks.Rgb(photoRgb.Length, width, height, nameof(photoRgb));
        BufferChecks.Alpha(edit.Length, width, height, nameof(edit));
        if (rgba.Length != n * 4) throw new ArgumentException($"Expected {n * 4} RGBA bytes for {width}x{height}, got {rgba.Length}.", nameof(rgba));
        for (int i = 0; i < n; i++)
        {
            int v = edit[i];
            if (v == IResultEditor.Unchanged) continue;
            int o = 4 * i;
            float a = rgba[o + 3] / 255f;
            if (v < IResultEditor.Unchanged)
            {
                rgba[o + 3] = Compositing.ToByte(rgba[o + 3] * (v / 128f));
                continue;
            }
            float s = (v - 128) / 127f, keep = a * (1 - s), na = keep + s;
            for (int c = 0; c < 3; c++)
                rgba[o + c] = Compositing.ToByte((rgba[o + c] * keep + photoRgb[3 * i + c] * s) / na);
            rgba[o + 3] = Compositing.ToByte(na * 255f);
        }
    }
}
