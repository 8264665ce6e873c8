namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// The mask options of 001 applied to a soft matte: expand/shrink, then Gaussian blur.
/// <para>
/// Expand: positive grows the subject by that many pixels, negative shrinks it. With square corners this is an
/// exact grey-scale dilation/erosion by a (2N+1)² square (van Herk, O(1) per pixel). With
/// <see cref="MaskOptions.TaperedCorners"/> the structuring element is a disc: an exact Euclidean feature transform
/// of the 0.5 iso-line, after which the matte's own soft edge is re-applied N pixels further out (sampled along the
/// direction to the nearest subject pixel), so hair and anti-aliasing survive instead of becoming a hard cut.
/// The image border is not treated as background: a subject cut by the frame is not eroded from the frame edge.
/// </para>
/// <para>
/// Blur: Gaussian of sigma <see cref="MaskOptions.BlurSigma"/>. <see cref="MaskOptions.KernelSize"/> follows OpenCV's
/// <c>ksize</c>: the kernel's diameter in pixels (radius = KernelSize / 2, so an even size acts as the next odd one and
/// 1 disables the blur); 0 picks the radius automatically as ⌈3·sigma⌉. Radii up to 24 are convolved exactly;
/// wider kernels use three box passes of equal variance. Sigma 0.1 (the default) is a no-op.
/// </para>
/// </summary>
public static class MaskPostProcessing
{
    public const int MaxExpand = 16384;
    public const double MinBlurSigma = 0.1, MaxBlurSigma = 100;
    public const int MaxKernelSize = 100;

    /// <summary>Refuses out-of-range options with a message naming the field and its range.</summary>
    public static void Validate(MaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Expand is < -MaxExpand or > MaxExpand)
            throw Invalid($"Mask expand (maskExpand) must be between -{MaxExpand} and {MaxExpand} pixels; got {options.Expand}.");
        if (!(options.BlurSigma >= MinBlurSigma && options.BlurSigma <= MaxBlurSigma)) // also refuses NaN
            throw Invalid($"Mask blur sigma (maskBlurSigma) must be between {MinBlurSigma} and {MaxBlurSigma}; got {options.BlurSigma}.");
        if (options.KernelSize is < 0 or > MaxKernelSize)
            throw Invalid($"Mask kernel size (maskKernelSize) must be between 0 (automatic) and {MaxKernelSize}; got {options.KernelSize}.");
    }

    /// <summary>Returns a new matte; <paramref name="alpha"/> is not modified. Validates <paramref name="options"/> first.</summary>
    public static float[] Apply(float[] alpha, int width, int height, MaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        BufferChecks.Alpha(alpha.Length, width, height, nameof(alpha));
        Validate(options);

        float[] result;
        if (options.Expand == 0)
            result = (float[])alpha.Clone();
        else if (options.TaperedCorners)
            result = options.Expand > 0
                ? DiscDilate(alpha, width, height, options.Expand)
                : DiscErode(alpha, width, height, -options.Expand);
        else
        {
            result = (float[])alpha.Clone();
            if (options.Expand > 0) RunningMax.Dilate(result, width, height, options.Expand);
            else RunningMax.Erode(result, width, height, -options.Expand);
        }

        int radius = options.KernelSize > 0 ? options.KernelSize / 2 : (int)Math.Ceiling(3 * options.BlurSigma);
        GaussianBlur.Apply(result, width, height, options.BlurSigma, radius);
        return result;
    }

    private static float[] DiscErode(float[] alpha, int width, int height, int n)
    {
        var inverted = (float[])alpha.Clone();
        RunningMax.Invert(inverted);
        var dilated = DiscDilate(inverted, width, height, n);
        RunningMax.Invert(dilated);
        return dilated;
    }

    /// <summary>Inner soft bands of real mattes are a few pixels; deeper than this the grown matte is simply opaque.</summary>
    private const int SoftDepth = 8;

    /// <summary>
    /// For a pixel p at distance d from the nearest subject pixel q (alpha ≥ 0.5), the grown matte's edge is the
    /// original edge shifted outward by n along q→p: sample the original at q + (p−q)·(d−n)/d. That point is exactly
    /// n from p, so the result never exceeds a true grey-scale disc dilation, and it is continuous in d.
    /// Subject pixels themselves (d = 0) look n pixels inward along the alpha gradient, which keeps a soft
    /// inner band soft for small n.
    /// </summary>
    private static float[] DiscDilate(float[] alpha, int width, int height, int n)
    {
        var sites = DistanceTransform.NearestSites(alpha, width, height, 0.5f);
        if (sites[0] == DistanceTransform.NoSite) return (float[])alpha.Clone(); // no subject pixel anywhere

        // Outer reach: the farthest any non-zero alpha lies from the subject. A shifted sample taken beyond it is 0,
        // which lets the (usual) far background skip the square root and the interpolation.
        double reach2 = 0;
        for (int i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] <= 0f || alpha[i] >= 0.5f) continue;
            double d2 = Distance2(i % width, i / width, sites[i]);
            if (d2 > reach2) reach2 = d2;
        }
        double skipBeyond = n + 2 + Math.Sqrt(reach2);
        double skip2 = skipBeyond * skipBeyond;
        double opaque2 = n - SoftDepth > 0 ? (double)(n - SoftDepth) * (n - SoftDepth) : -1;

        var result = new float[alpha.Length];
        for (int y = 0; y < height; y++)
        {
            int o = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = o + x, site = sites[i];
                int sx = site & 0xFFFF, sy = site >> 16;
                int dx = x - sx, dy = y - sy;
                double d2 = (double)dx * dx + (double)dy * dy;
                if (d2 > skip2) { result[i] = alpha[i]; continue; }
                if (d2 <= opaque2) { result[i] = 1f; continue; }
                if (d2 == 0) { result[i] = InwardSample(alpha, width, height, x, y, n); continue; }
                double d = Math.Sqrt(d2);
                double t = (d - n) / d;
                float shifted = Bilinear(alpha, width, height, sx + dx * t, sy + dy * t);
                // Inside the old edge a thin part may be crossed entirely; the edge pixel q itself bounds it from below.
                if (d < n) shifted = MathF.Max(shifted, alpha[sy * width + sx]);
                result[i] = MathF.Max(alpha[i], shifted);
            }
        }
        return result;
    }

    private static double Distance2(int x, int y, int site)
    {
        double dx = x - (site & 0xFFFF), dy = y - (site >> 16);
        return dx * dx + dy * dy;
    }

    private static float InwardSample(float[] alpha, int width, int height, int x, int y, int n)
    {
        float a = alpha[y * width + x];
        float gx = (alpha[y * width + Math.Min(x + 1, width - 1)] - alpha[y * width + Math.Max(x - 1, 0)]) * 0.5f;
        float gy = (alpha[Math.Min(y + 1, height - 1) * width + x] - alpha[Math.Max(y - 1, 0) * width + x]) * 0.5f;
        float length = MathF.Sqrt(gx * gx + gy * gy);
        if (length < 1e-6f) return a;
        return MathF.Max(a, Bilinear(alpha, width, height, x + n * gx / length, y + n * gy / length));
    }

    internal static float Bilinear(float[] plane, int width, int height, double fx, double fy)
    {
        fx = Math.Clamp(fx, 0, width - 1);
        fy = Math.Clamp(fy, 0, height - 1);
        int x0 = (int)fx, y0 = (int)fy;
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        float ax = (float)(fx - x0), ay = (float)(fy - y0);
        float top = plane[y0 * width + x0] + (plane[y0 * width + x1] - plane[y0 * width + x0]) * ax;
        float bottom = plane[y1 * width + x0] + (plane[y1 * width + x1] - plane[y1 * width + x0]) * ax;
        return top + (bottom - top) * ay;
    }

    private static CutoutException Invalid(string message) => new(CutoutErrorCode.InvalidOption, message);
}
