namespace BlazorCutout.Engine;

/// <summary>A small preview of an image: long side at most the requested size, alpha kept.</summary>
public sealed record ImageThumbnail(byte[] Bytes, string ContentType, int Width, int Height);

/// <summary>
/// Makes grid previews with the engine's libvips (JPEG shrink-on-load, EXIF rotation, alpha kept; WebP out, which keeps
/// the transparency of cut-outs at a fraction of a PNG's size). Synchronous and cheap next to a cut-out (tens of ms for
/// a 12 MP JPEG), so it does not queue behind cut-outs. Registered by <c>AddCutoutEngine</c>.
/// </summary>
public interface IImageThumbnailer
{
    /// <summary>
    /// The image scaled down so its long side is at most <paramref name="maxSide"/> (never scaled up). Throws
    /// <see cref="CutoutException"/> for what <see cref="ICutoutEngine.Probe"/> refuses (not an image, unsupported, too large).
    /// </summary>
    ImageThumbnail Thumbnail(ReadOnlySpan<byte> image, int maxSide);
}
