using System.Buffers;

namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// Colour decontamination: at soft edges the observed colour I = αF + (1−α)B still contains the old background B;
/// this recovers F so the cut-out composites on any new background without a halo.
/// <para>
/// Method: blur-fusion (Forte &amp; Pitié, "Approximate Fast Foreground Colour Estimation", ICIP 2021). Each pass
/// takes local α-weighted means F̂ = box(F·α)/box(α), B̂ = box(B·(1−α))/box(1−α) and moves them the shortest way
/// onto the compositing equation: F = F̂ + α(I − αF̂ − (1−α)B̂). The first pass (radius 90, from F = B = I) gives the
/// broad colours; the second (radius 6, from the first pass's F and B) restores local detail.
/// </para>
/// <para>
/// Why it is fast: only pixels with 0 &lt; α &lt; 1 change. The radius-90 means are smooth, so they are computed on a
/// grid of 8×8 blocks (sub-sampled) and interpolated; the radius-6 means are computed exactly, but only in 32×32 tiles
/// that contain uncertain pixels. Opaque pixels keep their colour, transparent pixels keep the source colour.
/// </para>
/// </summary>
public static class ForegroundEstimation
{
    private const float Epsilon = 1f / 255f;
    private const int CoarseRadius = 90;
    private const int FineRadius = 6;
    private const int Tile = 32;

    public static byte[] Estimate(ReadOnlySpan<byte> rgb, ReadOnlySpan<float> alpha, int width, int height)
    {
        BufferChecks.Rgb(rgb.Length, width, height, nameof(rgb));
        BufferChecks.Alpha(alpha.Length, width, height, nameof(alpha));
        var foreground = rgb.ToArray();

        int tilesX = (width + Tile - 1) / Tile, tilesY = (height + Tile - 1) / Tile;
        var bandTiles = FindBandTiles(alpha, width, height, tilesX, tilesY, out int bandCount);
        if (bandCount == 0) return foreground;

        var coarse = CoarseMeans.Build(rgb, alpha, width, height);

        // First-pass F and B, kept as full-size byte images: outside the band they equal I,
        // which is exactly what the second pass needs there (F·α = I where α = 1, B·(1−α) = I where α = 0).
        var f1 = ArrayPool<byte>.Shared.Rent(rgb.Length);
        var b1 = ArrayPool<byte>.Shared.Rent(rgb.Length);
        try
        {
            rgb.CopyTo(f1);
            rgb.CopyTo(b1);
            for (int ty = 0; ty < tilesY; ty++)
            for (int tx = 0; tx < tilesX; tx++)
            {
                if (!bandTiles[ty * tilesX + tx]) continue;
                int x1 = Math.Min((tx + 1) * Tile, width), y1 = Math.Min((ty + 1) * Tile, height);
                for (int y = ty * Tile; y < y1; y++)
                for (int x = tx * Tile; x < x1; x++)
                {
                    int i = y * width + x;
                    float a = alpha[i];
                    if (!IsUncertain(a)) continue;
                    coarse.Sample(x, y, out var fMean, out var bMean);
                    Fuse(rgb, i, a, fMean, bMean, f1, b1);
                }
            }

            var window = new FineWindow(Tile + 2 * FineRadius);
            for (int ty = 0; ty < tilesY; ty++)
            for (int tx = 0; tx < tilesX; tx++)
                if (bandTiles[ty * tilesX + tx])
                    window.Refine(rgb, alpha, width, height, tx * Tile, ty * Tile, f1, b1, foreground);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(f1);
            ArrayPool<byte>.Shared.Return(b1);
        }
        return foreground;
    }

    private static bool IsUncertain(float a) => a > Epsilon && a < 1f - Epsilon;

    private static bool[] FindBandTiles(ReadOnlySpan<float> alpha, int width, int height, int tilesX, int tilesY, out int count)
    {
        var tiles = new bool[tilesX * tilesY];
        count = 0;
        for (int y = 0; y < height; y++)
        {
            var row = alpha.Slice(y * width, width);
            int tileRow = (y / Tile) * tilesX;
            for (int x = 0; x < width; x++)
            {
                if (!IsUncertain(row[x])) continue;
                int t = tileRow + x / Tile;
                if (!tiles[t]) { tiles[t] = true; count++; }
                // The rest of this tile's row cannot add anything new.
                x = (x / Tile + 1) * Tile - 1;
            }
        }
        return tiles;
    }

    /// <summary>Writes F and B that satisfy I = αF + (1−α)B, nearest to the local means.</summary>
    private static void Fuse(ReadOnlySpan<byte> rgb, int pixel, float a, Rgb fMean, Rgb bMean, byte[] f, byte[] b)
    {
        int j = pixel * 3;
        float na = 1f - a;
        for (int c = 0; c < 3; c++)
        {
            float residual = rgb[j + c] - a * fMean[c] - na * bMean[c];
            f[j + c] = Compositing.ToByte(fMean[c] + a * residual);
            b[j + c] = Compositing.ToByte(bMean[c] + na * residual);
        }
    }

    private struct Rgb
    {
        public float R, G, B;
        public float this[int c] => c == 0 ? R : c == 1 ? G : B;
        public Rgb(float r, float g, float b) { R = r; G = g; B = b; }
    }

    /// <summary>Radius-90 α-weighted means on a block grid; the ratio of interpolated sums stays well defined where α is sparse.</summary>
    private sealed class CoarseMeans
    {
        // Planes: α, 1−α, I·α (3), I·(1−α) (3).
        private readonly float[][] _planes;
        private readonly int _block, _gw, _gh;

        private CoarseMeans(float[][] planes, int block, int gw, int gh)
        {
            _planes = planes; _block = block; _gw = gw; _gh = gh;
        }

        public static CoarseMeans Build(ReadOnlySpan<byte> rgb, ReadOnlySpan<float> alpha, int width, int height)
        {
            int block = Math.Clamp(Math.Max(width, height) / 512, 1, 8);
            int stride = block >= 4 ? 2 : 1; // the sums feed a radius-90 mean: every other pixel is plenty
            int gw = (width + block - 1) / block, gh = (height + block - 1) / block;
            var planes = new float[8][];
            for (int p = 0; p < 8; p++) planes[p] = new float[gw * gh];
            for (int y = 0; y < height; y += stride)
            {
                int rowBase = (y / block) * gw;
                for (int x = 0; x < width; x += stride)
                {
                    int i = y * width + x, j = i * 3, g = rowBase + x / block;
                    float a = alpha[i], na = 1f - a;
                    float r = rgb[j], gg = rgb[j + 1], b = rgb[j + 2];
                    planes[0][g] += a;
                    planes[1][g] += na;
                    planes[2][g] += r * a; planes[3][g] += gg * a; planes[4][g] += b * a;
                    planes[5][g] += r * na; planes[6][g] += gg * na; planes[7][g] += b * na;
                }
            }
            int radius = Math.Max(1, (int)Math.Round((double)CoarseRadius / block));
            foreach (var plane in planes) BoxBlur.Apply(plane, gw, gh, radius);
            return new CoarseMeans(planes, block, gw, gh);
        }

        public void Sample(int x, int y, out Rgb fMean, out Rgb bMean)
        {
            float gx = Math.Clamp((x + 0.5f) / _block - 0.5f, 0f, _gw - 1);
            float gy = Math.Clamp((y + 0.5f) / _block - 0.5f, 0f, _gh - 1);
            int x0 = (int)gx, y0 = (int)gy;
            int x1 = Math.Min(x0 + 1, _gw - 1), y1 = Math.Min(y0 + 1, _gh - 1);
            float ax = gx - x0, ay = gy - y0;
            int i00 = y0 * _gw + x0, i01 = y0 * _gw + x1, i10 = y1 * _gw + x0, i11 = y1 * _gw + x1;
            float w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
            float At(int p) { var pl = _planes[p]; return pl[i00] * w00 + pl[i01] * w01 + pl[i10] * w10 + pl[i11] * w11; }
            float sa = At(0), sna = At(1);
            // No opaque (or no transparent) pixel within ~90 px: 0.5 grey is as good a guess as any; the fine pass corrects it.
            fMean = sa > 1e-4f ? new Rgb(At(2) / sa, At(3) / sa, At(4) / sa) : new Rgb(127.5f, 127.5f, 127.5f);
            bMean = sna > 1e-4f ? new Rgb(At(5) / sna, At(6) / sna, At(7) / sna) : new Rgb(127.5f, 127.5f, 127.5f);
        }
    }

    /// <summary>Second pass for one tile: exact radius-6 box sums over the tile plus its margin, via summed-area tables.</summary>
    private sealed class FineWindow
    {
        private readonly int _size;
        private readonly float[][] _sat; // (size+1)² each: α, 1−α, F·α (3), B·(1−α) (3)

        public FineWindow(int size)
        {
            _size = size;
            _sat = new float[8][];
            for (int p = 0; p < 8; p++) _sat[p] = new float[(size + 1) * (size + 1)];
        }

        public void Refine(ReadOnlySpan<byte> rgb, ReadOnlySpan<float> alpha, int width, int height, int tileX, int tileY,
            byte[] f1, byte[] b1, byte[] foreground)
        {
            int rx0 = Math.Max(0, tileX - FineRadius), ry0 = Math.Max(0, tileY - FineRadius);
            int rx1 = Math.Min(width, tileX + Tile + FineRadius), ry1 = Math.Min(height, tileY + Tile + FineRadius);
            int rw = rx1 - rx0, rh = ry1 - ry0, stride = _size + 1;
            Span<float> v = stackalloc float[8];
            Span<float> rowSum = stackalloc float[8];
            for (int p = 0; p < 8; p++) Array.Clear(_sat[p], 0, stride); // top border row
            for (int yy = 0; yy < rh; yy++)
            {
                rowSum.Clear();
                int above = yy * stride, here = (yy + 1) * stride;
                for (int p = 0; p < 8; p++) _sat[p][here] = 0;
                for (int xx = 0; xx < rw; xx++)
                {
                    int i = (ry0 + yy) * width + rx0 + xx, j = i * 3;
                    float a = alpha[i], na = 1f - a;
                    v[0] = a; v[1] = na;
                    v[2] = f1[j] * a; v[3] = f1[j + 1] * a; v[4] = f1[j + 2] * a;
                    v[5] = b1[j] * na; v[6] = b1[j + 1] * na; v[7] = b1[j + 2] * na;
                    for (int p = 0; p < 8; p++)
                    {
                        rowSum[p] += v[p];
                        _sat[p][here + xx + 1] = _sat[p][above + xx + 1] + rowSum[p];
                    }
                }
            }
            int tx1 = Math.Min(tileX + Tile, width), ty1 = Math.Min(tileY + Tile, height);
            for (int y = tileY; y < ty1; y++)
            {
                int wy0 = Math.Max(y - FineRadius, ry0) - ry0, wy1 = Math.Min(y + FineRadius + 1, ry1) - ry0;
                for (int x = tileX; x < tx1; x++)
                {
                    int i = y * width + x;
                    float a = alpha[i];
                    if (!IsUncertain(a)) continue;
                    int wx0 = Math.Max(x - FineRadius, rx0) - rx0, wx1 = Math.Min(x + FineRadius + 1, rx1) - rx0;
                    float Sum(int p)
                    {
                        var s = _sat[p];
                        return s[wy1 * stride + wx1] - s[wy0 * stride + wx1] - s[wy1 * stride + wx0] + s[wy0 * stride + wx0];
                    }
                    // Uncertain pixels have α, 1−α > 1/255 themselves, so both weights are positive.
                    float sa = Sum(0), sna = Sum(1);
                    var fMean = new Rgb(Sum(2) / sa, Sum(3) / sa, Sum(4) / sa);
                    var bMean = new Rgb(Sum(5) / sna, Sum(6) / sna, Sum(7) / sna);
                    int j = i * 3;
                    float na = 1f - a;
                    for (int c = 0; c < 3; c++)
                    {
                        float residual = rgb[j + c] - a * fMean[c] - na * bMean[c];
                        foreground[j + c] = Compositing.ToByte(fMean[c] + a * residual);
                    }
                }
            }
        }
    }
}
