using BlazorCutout.Engine.Imaging;

namespace BlazorCutout.Engine.Pipeline;

/// <summary>
/// The pipeline's single entry into the managed image maths of <c>Imaging/</c>.
/// </summary>
internal static class ImagingOps
{
    public static void ValidateMask(MaskOptions options) => MaskPostProcessing.Validate(options);

    public static bool IsDefault(MaskOptions m) => m.Expand == 0 && !m.TaperedCorners && m.KernelSize == 0 && m.BlurSigma <= 0.1;

    public static float[] PostProcessMask(float[] alpha, int width, int height, MaskOptions options)
        => MaskPostProcessing.Apply(alpha, width, height, options);

    public static byte[] EstimateForeground(ReadOnlySpan<byte> rgb, ReadOnlySpan<float> alpha, int width, int height)
        => ForegroundEstimation.Estimate(rgb, alpha, width, height);

    public static float[] Refine(ReadOnlySpan<byte> rgb, float[] alpha, int width, int height,
        IReadOnlyList<NormalizedPoint> positive, IReadOnlyList<NormalizedPoint> negative)
        => PointRefinement.Refine(rgb, alpha, width, height, positive, negative);

    public static PixelRect WithMargin(PixelRect r, int margin, int width, int height) => SubjectBounds.WithMargin(r, margin, width, height);

    public static void ApplyMaskEdit(Span<byte> rgba, ReadOnlySpan<byte> photoRgb, ReadOnlySpan<byte> edit, int width, int height)
        => MaskEdit.Apply(rgba, photoRgb, edit, width, height);

    public static (byte R, byte G, byte B) ParseColor(string hex) => Compositing.ParseHexColor(hex);
}
