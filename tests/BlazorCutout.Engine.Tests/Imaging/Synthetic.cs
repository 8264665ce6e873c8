namespace BlazorCutout.Engine.Tests.Imaging;

/// <summary>Small synthetic scenes with known ground truth.</summary>
internal static class Synthetic
{
    public static float[] Alpha(int width, int height, Func<int, int, float> f)
    {
        var a = new float[width * height];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            a[y * width + x] = f(x, y);
        return a;
    }

    /// <summary>Anti-aliased disc: 1 inside, linear ramp of <paramref name="softness"/> px across the rim.</summary>
    public static float Disc(double x, double y, double cx, double cy, double r, double softness = 2) =>
        (float)Math.Clamp((r - Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy))) / softness + 0.5, 0, 1);

    public static byte[] Fill(int width, int height, Func<int, int, (byte R, byte G, byte B)> f)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            var (r, g, b) = f(x, y);
            int j = (y * width + x) * 3;
            rgb[j] = r; rgb[j + 1] = g; rgb[j + 2] = b;
        }
        return rgb;
    }

    /// <summary>Deterministic per-pixel noise in −amplitude..amplitude, so colour models see realistic spread.</summary>
    public static byte Noisy(int value, int x, int y, int channel, int amplitude)
    {
        uint h = (uint)(x * 73856093 ^ y * 19349663 ^ channel * 83492791);
        h ^= h >> 13; h *= 0x5bd1e995; h ^= h >> 15;
        int n = (int)(h % (uint)(2 * amplitude + 1)) - amplitude;
        return (byte)Math.Clamp(value + n, 0, 255);
    }

    public static double MeanIn(float[] alpha, int width, int x0, int y0, int x1, int y1)
    {
        double sum = 0; int n = 0;
        for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) { sum += alpha[y * width + x]; n++; }
        return sum / n;
    }
}
