namespace BlazorCutout.Engine;

/// <summary>
/// A touched-up result: an 8-bit sRGB PNG with alpha, the size of the result it was made from, and its alpha as a
/// greyscale PNG (for a task that also delivered a mask, so the mask download matches the touched-up image).
/// </summary>
public sealed record EditedResult(byte[] Png, byte[] MaskPng, int Width, int Height);

/// <summary>
/// Applies an erase/restore brush edit to a stored result, for any provider's result (ours or a service's). The edit
/// is a greyscale PNG the size of the result, painted by the browser: 128 leaves a pixel as it is, darker erases it
/// (0 = fully transparent), lighter brings the original photo back (255 = fully the photo). Soft brush edges are the
/// values in between, so one image carries every stroke, its hardness and its order (later strokes paint over earlier
/// ones), and mostly-untouched edits compress to a few kilobytes. Registered by <c>AddCutoutEngine</c>.
/// </summary>
public interface IResultEditor
{
    /// <summary>The value of an edit pixel that changes nothing.</summary>
    public const byte Unchanged = 128;

    /// <summary>
    /// Whether a result has its photo's shape (aspect ratios within 1 %): a service's result may be a rescaled photo,
    /// which restores fine; a cropped one has no photo pixel under every result pixel, so it cannot be touched up.
    /// </summary>
    public static bool SameShape(int photoWidth, int photoHeight, int resultWidth, int resultHeight) =>
        photoWidth > 0 && photoHeight > 0 && resultWidth > 0 && resultHeight > 0
        && Math.Abs((double)photoWidth / photoHeight / ((double)resultWidth / resultHeight) - 1) <= 0.01;

    /// <summary>
    /// Composes the new result from the <paramref name="source"/> photo (what "restore" brings back), the current
    /// <paramref name="result"/> (its colours and alpha; no alpha means opaque) and the <paramref name="edit"/>.
    /// Throws <see cref="CutoutException"/> in our words when an input is not an image, is too large, the edit is not a
    /// PNG or not the result's size, or the photo does not have the result's shape.
    /// </summary>
    EditedResult ApplyEdit(ReadOnlySpan<byte> source, ReadOnlySpan<byte> result, ReadOnlySpan<byte> edit);
}
