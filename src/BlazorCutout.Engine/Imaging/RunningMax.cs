using System.Numerics;

namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// Grey-scale dilation with a (2r+1)² square in O(1) per pixel whatever r is (van Herk / Gil–Werman):
/// per block of 2r+1 samples a forward prefix max g and a backward suffix max h, then
/// max over [i−r, i+r] = max(h[i−r], g[i+r]) because those two indices fall in adjacent blocks.
/// Samples outside the image are ignored (not treated as 0), so a subject touching the border keeps it.
/// </summary>
internal static class RunningMax
{
    private const int StripWidth = 64;

    public static void Dilate(float[] image, int width, int height, int radius)
    {
        if (radius <= 0) return;
        Rows(image, width, height, Math.Min(radius, width));
        Columns(image, width, height, Math.Min(radius, height));
    }

    /// <summary>Erosion as the dual of dilation: 1 − dilate(1 − a). Alpha lives in 0..1 so the inversion is exact enough.</summary>
    public static void Erode(float[] image, int width, int height, int radius)
    {
        if (radius <= 0) return;
        Invert(image);
        Dilate(image, width, height, radius);
        Invert(image);
    }

    internal static void Invert(Span<float> data)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            for (; i <= data.Length - Vector<float>.Count; i += Vector<float>.Count)
                (one - new Vector<float>(data.Slice(i))).CopyTo(data.Slice(i));
        }
        for (; i < data.Length; i++) data[i] = 1f - data[i];
    }

    private static void Rows(float[] image, int width, int height, int r)
    {
        int block = 2 * r + 1;
        var g = new float[width];
        var h = new float[width];
        for (int y = 0; y < height; y++)
        {
            var row = image.AsSpan(y * width, width);
            for (int start = 0; start < width; start += block)
            {
                int end = Math.Min(start + block, width) - 1;
                float m = g[start] = row[start];
                for (int i = start + 1; i <= end; i++) g[i] = m = Max(m, row[i]);
                m = h[end] = row[end];
                for (int i = end - 1; i >= start; i--) h[i] = m = Max(m, row[i]);
            }
            // Three ranges so the hot middle loop has no clamping.
            int leftEnd = Math.Min(r, width);
            for (int i = 0; i < leftEnd; i++) row[i] = g[Math.Min(i + r, width - 1)];
            int middleEnd = width - r;
            for (int i = r; i < middleEnd; i++) row[i] = Max(g[i + r], h[i - r]);
            for (int i = Math.Max(r, middleEnd); i < width; i++) row[i] = Max(g[width - 1], h[i - r]);
        }
    }

    // Columns are done in strips so the per-row work is a few vector max operations on contiguous memory.
    private static void Columns(float[] image, int width, int height, int r)
    {
        int block = 2 * r + 1;
        var g = new float[height * StripWidth];
        var h = new float[height * StripWidth];
        for (int x0 = 0; x0 < width; x0 += StripWidth)
        {
            int sw = Math.Min(StripWidth, width - x0);
            Span<float> Src(int y) => image.AsSpan(y * width + x0, sw);
            Span<float> G(int y) => g.AsSpan(y * StripWidth, sw);
            Span<float> H(int y) => h.AsSpan(y * StripWidth, sw);
            for (int start = 0; start < height; start += block)
            {
                int end = Math.Min(start + block, height) - 1;
                Src(start).CopyTo(G(start));
                for (int y = start + 1; y <= end; y++) Max(G(y - 1), Src(y), G(y));
                Src(end).CopyTo(H(end));
                for (int y = end - 1; y >= start; y--) Max(H(y + 1), Src(y), H(y));
            }
            for (int y = 0; y < height; y++)
            {
                if (y - r >= 0) Max(G(Math.Min(y + r, height - 1)), H(y - r), Src(y));
                else G(Math.Min(y + r, height - 1)).CopyTo(Src(y));
            }
        }
    }

    // Plain comparison: MathF.Max's NaN/−0 handling costs several times more and alpha has neither.
    private static float Max(float a, float b) => a > b ? a : b;

    private static void Max(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
                Vector.Max(new Vector<float>(a.Slice(i)), new Vector<float>(b.Slice(i))).CopyTo(dst.Slice(i));
        for (; i < dst.Length; i++) dst[i] = Max(a[i], b[i]);
    }
}
