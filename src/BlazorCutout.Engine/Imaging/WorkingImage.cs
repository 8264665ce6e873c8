namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// A box-averaged copy of image and matte at an integer reduction so the graph cut stays a fixed cost
/// (≤ 512 px on the long side ≈ 0.26 MP) whatever the source resolution.
/// </summary>
internal sealed class WorkingImage
{
    public int Scale { get; }
    public int Width { get; }
    public int Height { get; }
    public byte[] Rgb { get; }
    public float[] Alpha { get; }

    private WorkingImage(int scale, int width, int height, byte[] rgb, float[] alpha)
    {
        Scale = scale; Width = width; Height = height; Rgb = rgb; Alpha = alpha;
    }

    public static WorkingImage Create(ReadOnlySpan<byte> rgb, ReadOnlySpan<float> alpha, int width, int height, int maxSide)
    {
        int scale = Math.Max(1, (Math.Max(width, height) + maxSide - 1) / maxSide);
        int sw = (width + scale - 1) / scale, sh = (height + scale - 1) / scale;
        if (scale == 1) return new WorkingImage(1, width, height, rgb.ToArray(), alpha.ToArray());

        var sums = new long[sw * 3];
        var alphaSums = new double[sw];
        var smallRgb = new byte[sw * sh * 3];
        var smallAlpha = new float[sw * sh];
        for (int sy = 0; sy < sh; sy++)
        {
            Array.Clear(sums);
            Array.Clear(alphaSums);
            int y0 = sy * scale, y1 = Math.Min(height, y0 + scale);
            for (int y = y0; y < y1; y++)
            {
                var rowRgb = rgb.Slice(y * width * 3, width * 3);
                var rowAlpha = alpha.Slice(y * width, width);
                for (int sx = 0, x0 = 0; sx < sw; sx++, x0 += scale)
                {
                    int x1 = Math.Min(width, x0 + scale);
                    long r = 0, g = 0, b = 0; float a = 0;
                    for (int x = x0; x < x1; x++)
                    {
                        r += rowRgb[x * 3]; g += rowRgb[x * 3 + 1]; b += rowRgb[x * 3 + 2];
                        a += rowAlpha[x];
                    }
                    sums[sx * 3] += r; sums[sx * 3 + 1] += g; sums[sx * 3 + 2] += b;
                    alphaSums[sx] += a;
                }
            }
            for (int sx = 0; sx < sw; sx++)
            {
                int count = (y1 - y0) * (Math.Min(width, (sx + 1) * scale) - sx * scale);
                float inv = 1f / count;
                int o = sy * sw + sx;
                smallRgb[o * 3] = Compositing.ToByte(sums[sx * 3] * inv);
                smallRgb[o * 3 + 1] = Compositing.ToByte(sums[sx * 3 + 1] * inv);
                smallRgb[o * 3 + 2] = Compositing.ToByte(sums[sx * 3 + 2] * inv);
                smallAlpha[o] = (float)(alphaSums[sx] * inv);
            }
        }
        return new WorkingImage(scale, sw, sh, smallRgb, smallAlpha);
    }
}
