using System.Numerics;
using System.Runtime.InteropServices;

namespace BlazorCutout.Engine.Imaging;

/// <summary>Bounding box of the subject in a matte, for <c>crop</c> and <see cref="CutoutResult.Foreground"/>.</summary>
public static class SubjectBounds
{
    /// <summary>
    /// Smallest rectangle holding every pixel with alpha &gt;= <paramref name="threshold"/>;
    /// <c>default(PixelRect)</c> (0,0,0,0) when there is none.
    /// </summary>
    public static PixelRect Find(ReadOnlySpan<float> alpha, int width, int height, float threshold = 0.5f)
    {
        BufferChecks.Alpha(alpha.Length, width, height, nameof(alpha));
        int top = -1, bottom = -1, left = width, right = -1;
        for (int y = 0; y < height; y++)
        {
            var row = alpha.Slice(y * width, width);
            int first = FirstAtLeast(row, threshold);
            if (first < 0) continue;
            if (top < 0) top = y;
            bottom = y;
            if (first < left) left = first;
            // Only the part right of the current extent can widen it, which keeps the scan near one pass.
            int last = LastAtLeast(row, threshold, Math.Max(first, right + 1));
            if (last > right) right = last;
        }
        return top < 0 ? default : new PixelRect(left, top, right - left + 1, bottom - top + 1);
    }

    /// <summary>Grows <paramref name="rect"/> by <paramref name="margin"/> on every side, clamped to the image. An empty rect stays empty.</summary>
    public static PixelRect WithMargin(PixelRect rect, int margin, int width, int height)
    {
        if (rect.Width <= 0 || rect.Height <= 0) return default;
        margin = Math.Max(0, margin);
        long x0 = Math.Max(0L, (long)rect.X - margin);
        long y0 = Math.Max(0L, (long)rect.Y - margin);
        long x1 = Math.Min(width, (long)rect.X + rect.Width + margin);
        long y1 = Math.Min(height, (long)rect.Y + rect.Height + margin);
        if (x1 <= x0 || y1 <= y0) return default;
        return new PixelRect((int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0));
    }

    private static int FirstAtLeast(ReadOnlySpan<float> row, float threshold)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<float>.Count)
        {
            var t = new Vector<float>(threshold);
            var v = MemoryMarshal.Cast<float, Vector<float>>(row);
            for (int k = 0; k < v.Length; k++)
            {
                if (Vector.GreaterThanOrEqualAny(v[k], t))
                {
                    i = k * Vector<float>.Count;
                    break;
                }
                i = (k + 1) * Vector<float>.Count;
            }
        }
        for (; i < row.Length; i++)
            if (row[i] >= threshold) return i;
        return -1;
    }

    private static int LastAtLeast(ReadOnlySpan<float> row, float threshold, int from)
    {
        for (int i = row.Length - 1; i >= from; i--)
            if (row[i] >= threshold) return i;
        return -1;
    }
}
