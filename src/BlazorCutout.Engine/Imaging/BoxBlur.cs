using System.Numerics;

namespace BlazorCutout.Engine.Imaging;

/// <summary>Mean over a (2r+1)² window with replicated borders, by running sums: O(1) per pixel for any r.</summary>
internal static class BoxBlur
{
    public static void Apply(float[] plane, int width, int height, int radius)
    {
        if (radius <= 0) return;
        Rows(plane, width, height, radius);
        Columns(plane, width, height, radius);
    }

    private static void Rows(float[] plane, int width, int height, int r)
    {
        var copy = new float[width];
        float inv = 1f / (2 * r + 1);
        for (int y = 0; y < height; y++)
        {
            var row = plane.AsSpan(y * width, width);
            row.CopyTo(copy);
            // Double accumulator: a float running sum drifts visibly over thousands of adds and subtracts.
            double sum = copy[0] * (double)(r + 1);
            for (int i = 1; i <= r; i++) sum += copy[Math.Min(i, width - 1)];
            for (int x = 0; x < width; x++)
            {
                row[x] = (float)(sum * inv);
                sum += copy[Math.Min(x + r + 1, width - 1)] - copy[Math.Max(x - r, 0)];
            }
        }
    }

    private static void Columns(float[] plane, int width, int height, int r)
    {
        var copy = new float[width * height];
        plane.AsSpan().CopyTo(copy);
        var sum = new float[width];
        float inv = 1f / (2 * r + 1);
        ReadOnlySpan<float> Row(int y) => copy.AsSpan(Math.Clamp(y, 0, height - 1) * width, width);
        for (int i = -r; i <= r; i++) Add(sum, Row(i), 1f);
        for (int y = 0; y < height; y++)
        {
            RowMath.Scale(sum, inv, plane.AsSpan(y * width, width));
            Add(sum, Row(y + r + 1), 1f);
            Add(sum, Row(y - r), -1f);
        }
    }

    private static void Add(Span<float> acc, ReadOnlySpan<float> row, float sign)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= acc.Length - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(acc.Slice(i)) + new Vector<float>(row.Slice(i)) * sign).CopyTo(acc.Slice(i));
        for (; i < acc.Length; i++) acc[i] += row[i] * sign;
    }
}
