namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// Exact Euclidean feature transform (Felzenszwalb–Huttenlocher 2012): for every pixel, the nearest "site" pixel.
/// Linear time, so expanding by thousands of pixels costs the same as by one.
/// </summary>
internal static class DistanceTransform
{
    public const int NoSite = -1;

    /// <summary>
    /// Per pixel, the nearest pixel whose value is at least <paramref name="threshold"/>, packed as (y &lt;&lt; 16) | x,
    /// or <see cref="NoSite"/> when there is none. Sides must be below 32768.
    /// </summary>
    public static int[] NearestSites(float[] values, int width, int height, float threshold)
    {
        if (width >= 32768 || height >= 32768)
            throw new ArgumentOutOfRangeException(nameof(width), "The feature transform packs coordinates in 16 bits.");

        // Pass 1 (columns, done as row sweeps for cache friendliness): nearest site row in the same column.
        var near = new int[width * height];
        var best = new int[width];
        Array.Fill(best, -1);
        for (int y = 0; y < height; y++)
        {
            int o = y * width;
            for (int x = 0; x < width; x++)
            {
                if (values[o + x] >= threshold) best[x] = y;
                near[o + x] = best[x];
            }
        }
        Array.Fill(best, -1);
        for (int y = height - 1; y >= 0; y--)
        {
            int o = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = o + x, down = near[i];
                if (down == y) { best[x] = y; continue; }
                int up = best[x];
                if (up >= 0 && (down < 0 || up - y < y - down)) near[i] = up;
            }
        }

        // Pass 2 (rows): lower envelope of the parabolas g(x') + (x − x')², g = squared column distance.
        // Each row only reads its own column results, so the packed answer can overwrite them row by row.
        var v = new int[width];
        var z = new double[width + 1];
        var g = new double[width];
        var rowOut = new int[width];
        for (int y = 0; y < height; y++)
        {
            int o = y * width;
            int k = -1;
            for (int q = 0; q < width; q++)
            {
                int ry = near[o + q];
                if (ry < 0) continue;
                g[q] = (double)(y - ry) * (y - ry) + (double)q * q;
                while (true)
                {
                    if (k < 0) { k = 0; v[0] = q; z[0] = double.NegativeInfinity; z[1] = double.PositiveInfinity; break; }
                    int p = v[k];
                    double s = (g[q] - g[p]) / (2.0 * (q - p));
                    if (s <= z[k]) { k--; continue; }
                    k++;
                    v[k] = q;
                    z[k] = s;
                    z[k + 1] = double.PositiveInfinity;
                    break;
                }
            }
            if (k < 0)
            {
                Array.Fill(rowOut, NoSite);
            }
            else
            {
                int j = 0;
                for (int x = 0; x < width; x++)
                {
                    while (z[j + 1] < x) j++;
                    rowOut[x] = (near[o + v[j]] << 16) | v[j];
                }
            }
            rowOut.AsSpan().CopyTo(near.AsSpan(o, width));
        }
        return near;
    }
}
