namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>Makes the small image a grid shows. Returns null when it cannot, and the endpoint then serves the original.</summary>
public interface IThumbnailMaker
{
    /// <summary>
    /// The thumbnail of the content with this SHA-256 (as the asset store recorded it). <paramref name="readImage"/> is
    /// called only when the thumbnail has to be made; null when there is none to give (the caller serves the original).
    /// </summary>
    Task<Thumbnail?> MakeAsync(string sha256, Func<CancellationToken, Task<byte[]?>> readImage, int maxSide, CancellationToken cancellationToken);

    /// <summary>Removes every kept thumbnail of the content with this SHA-256 (lowercase hex), once no asset holds it.</summary>
    void Forget(string sha256);

    /// <summary>Every kept thumbnail file: whose content it shows and when it was written. For the orphan sweep.</summary>
    IEnumerable<KeptThumbnail> Kept();
}

public sealed record Thumbnail(byte[] Bytes, string ContentType);

public sealed record KeptThumbnail(string Sha256, DateTimeOffset WrittenUtc);

/// <summary>
/// No thumbnails: the original is served as its own (browsers scale it; grids pay the full download). The default is
/// <see cref="EngineThumbnailMaker"/>; register this instead to turn thumbnails off.
/// </summary>
public sealed class OriginalAsThumbnail : IThumbnailMaker
{
    public Task<Thumbnail?> MakeAsync(string sha256, Func<CancellationToken, Task<byte[]?>> readImage, int maxSide, CancellationToken cancellationToken) =>
        Task.FromResult<Thumbnail?>(null);

    public void Forget(string sha256) { }

    public IEnumerable<KeptThumbnail> Kept() => [];
}
