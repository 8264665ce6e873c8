namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// Full-covariance Gaussian mixture over RGB (0..255), fitted GrabCut-style: k-means for the initial split,
/// then hard assignment to the most likely component and closed-form re-estimation.
/// </summary>
internal sealed class ColorGmm
{
    public const int Components = 5;

    /// <summary>Covariance floor (σ ≈ 4 levels): flat synthetic or posterised colours would otherwise give singular covariances and absurd likelihoods.</summary>
    private const double Regularisation = 16;

    /// <summary>Caps −log p so a colour neither model has seen cannot outvote the mask prior by an arbitrary amount.</summary>
    public const float MaxCost = 40f;

    private const int MaxFitSamples = 20000;

    private readonly double[] _weight = new double[Components];
    private readonly double[,] _mean = new double[Components, 3];
    private readonly double[,] _inverse = new double[Components, 6]; // symmetric: xx, xy, xz, yy, yz, zz
    private readonly double[] _logNorm = new double[Components];     // log(weight) − ½·log det Σ − 1.5·log 2π
    private int _count;

    public bool IsEmpty => _count == 0;

    /// <summary>Fits to the pixels of <paramref name="samples"/> (indices into the interleaved <paramref name="rgb"/>).</summary>
    public static ColorGmm Fit(ReadOnlySpan<byte> rgb, ReadOnlySpan<int> samples, int refineIterations = 2)
    {
        var gmm = new ColorGmm();
        if (samples.Length == 0) return gmm;
        // Five components are pinned down by far fewer pixels than a working image holds; a regular subsample keeps
        // fitting cost flat. Evenly strided, so small clusters (a click's disc) stay represented in proportion.
        if (samples.Length > MaxFitSamples)
        {
            var subset = new int[MaxFitSamples];
            double stride = (double)samples.Length / MaxFitSamples;
            for (int s = 0; s < MaxFitSamples; s++) subset[s] = samples[(int)(s * stride)];
            samples = subset;
        }
        var assignment = KMeans(rgb, samples, Math.Min(Components, samples.Length));
        gmm.Learn(rgb, samples, assignment);
        for (int it = 0; it < refineIterations; it++)
        {
            for (int s = 0; s < samples.Length; s++) assignment[s] = gmm.MostLikely(rgb, samples[s]);
            gmm.Learn(rgb, samples, assignment);
        }
        return gmm;
    }

    /// <summary>−log p(colour), capped at <see cref="MaxCost"/>.</summary>
    public float Cost(byte r, byte g, byte b)
    {
        if (_count == 0) return MaxCost;
        float p = 0;
        for (int k = 0; k < Components; k++)
        {
            if (_weight[k] <= 0) continue;
            p += MathF.Exp((float)(_logNorm[k] - 0.5 * Mahalanobis(k, r, g, b)));
        }
        return p > 0 ? MathF.Min(MaxCost, -MathF.Log(p)) : MaxCost;
    }

    private int MostLikely(ReadOnlySpan<byte> rgb, int pixel)
    {
        int j = pixel * 3, best = 0;
        double bestScore = double.NegativeInfinity;
        for (int k = 0; k < Components; k++)
        {
            if (_weight[k] <= 0) continue;
            double score = _logNorm[k] - 0.5 * Mahalanobis(k, rgb[j], rgb[j + 1], rgb[j + 2]);
            if (score > bestScore) { bestScore = score; best = k; }
        }
        return best;
    }

    private double Mahalanobis(int k, double r, double g, double b)
    {
        double dx = r - _mean[k, 0], dy = g - _mean[k, 1], dz = b - _mean[k, 2];
        return dx * (_inverse[k, 0] * dx + _inverse[k, 1] * dy + _inverse[k, 2] * dz)
             + dy * (_inverse[k, 1] * dx + _inverse[k, 3] * dy + _inverse[k, 4] * dz)
             + dz * (_inverse[k, 2] * dx + _inverse[k, 4] * dy + _inverse[k, 5] * dz);
    }

    private void Learn(ReadOnlySpan<byte> rgb, ReadOnlySpan<int> samples, int[] assignment)
    {
        Span<double> n = stackalloc double[Components];
        Span<double> sum = stackalloc double[Components * 3];
        Span<double> prod = stackalloc double[Components * 6];
        for (int s = 0; s < samples.Length; s++)
        {
            int k = assignment[s], j = samples[s] * 3;
            double r = rgb[j], g = rgb[j + 1], b = rgb[j + 2];
            n[k]++;
            sum[k * 3] += r; sum[k * 3 + 1] += g; sum[k * 3 + 2] += b;
            prod[k * 6] += r * r; prod[k * 6 + 1] += r * g; prod[k * 6 + 2] += r * b;
            prod[k * 6 + 3] += g * g; prod[k * 6 + 4] += g * b; prod[k * 6 + 5] += b * b;
        }
        _count = samples.Length;
        for (int k = 0; k < Components; k++)
        {
            _weight[k] = n[k] / samples.Length;
            if (n[k] == 0) continue;
            double mr = sum[k * 3] / n[k], mg = sum[k * 3 + 1] / n[k], mb = sum[k * 3 + 2] / n[k];
            _mean[k, 0] = mr; _mean[k, 1] = mg; _mean[k, 2] = mb;
            double xx = prod[k * 6] / n[k] - mr * mr + Regularisation;
            double xy = prod[k * 6 + 1] / n[k] - mr * mg;
            double xz = prod[k * 6 + 2] / n[k] - mr * mb;
            double yy = prod[k * 6 + 3] / n[k] - mg * mg + Regularisation;
            double yz = prod[k * 6 + 4] / n[k] - mg * mb;
            double zz = prod[k * 6 + 5] / n[k] - mb * mb + Regularisation;
            // Inverse by cofactors; the regularised matrix is symmetric positive definite.
            double c00 = yy * zz - yz * yz, c01 = xz * yz - xy * zz, c02 = xy * yz - xz * yy;
            double det = xx * c00 + xy * c01 + xz * c02;
            if (det <= 1e-9) { _weight[k] = 0; continue; }
            _inverse[k, 0] = c00 / det;
            _inverse[k, 1] = c01 / det;
            _inverse[k, 2] = c02 / det;
            _inverse[k, 3] = (xx * zz - xz * xz) / det;
            _inverse[k, 4] = (xy * xz - xx * yz) / det;
            _inverse[k, 5] = (xx * yy - xy * xy) / det;
            _logNorm[k] = Math.Log(_weight[k]) - 0.5 * Math.Log(det) - 1.5 * Math.Log(2 * Math.PI);
        }
    }

    /// <summary>Deterministic k-means: farthest-point seeding on a subsample, then a few Lloyd iterations.</summary>
    private static int[] KMeans(ReadOnlySpan<byte> rgb, ReadOnlySpan<int> samples, int k)
    {
        var assignment = new int[samples.Length];
        var centres = new double[k * 3];
        int step = Math.Max(1, samples.Length / 4096);
        int first = samples[samples.Length / 2] * 3;
        centres[0] = rgb[first]; centres[1] = rgb[first + 1]; centres[2] = rgb[first + 2];
        for (int c = 1; c < k; c++)
        {
            double farthest = -1; int pick = 0;
            for (int s = 0; s < samples.Length; s += step)
            {
                double d = Nearest(rgb, samples[s], centres, c, out _);
                if (d > farthest) { farthest = d; pick = samples[s]; }
            }
            centres[c * 3] = rgb[pick * 3]; centres[c * 3 + 1] = rgb[pick * 3 + 1]; centres[c * 3 + 2] = rgb[pick * 3 + 2];
        }
        var sums = new double[k * 4];
        for (int it = 0; it < 6; it++)
        {
            Array.Clear(sums);
            for (int s = 0; s < samples.Length; s++)
            {
                Nearest(rgb, samples[s], centres, k, out int c);
                assignment[s] = c;
                int j = samples[s] * 3;
                sums[c * 4] += rgb[j]; sums[c * 4 + 1] += rgb[j + 1]; sums[c * 4 + 2] += rgb[j + 2]; sums[c * 4 + 3]++;
            }
            for (int c = 0; c < k; c++)
                if (sums[c * 4 + 3] > 0)
                    for (int d = 0; d < 3; d++) centres[c * 3 + d] = sums[c * 4 + d] / sums[c * 4 + 3];
        }
        return assignment;
    }

    private static double Nearest(ReadOnlySpan<byte> rgb, int pixel, double[] centres, int count, out int index)
    {
        int j = pixel * 3;
        double best = double.MaxValue; index = 0;
        for (int c = 0; c < count; c++)
        {
            double dr = rgb[j] - centres[c * 3], dg = rgb[j + 1] - centres[c * 3 + 1], db = rgb[j + 2] - centres[c * 3 + 2];
            double d = dr * dr + dg * dg + db * db;
            if (d < best) { best = d; index = c; }
        }
        return best;
    }
}
