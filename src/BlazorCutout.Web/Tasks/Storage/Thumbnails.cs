namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>Makes the small image a grid shows. Returns null when it cannot, and the endpoint then serves the original.</summary>
public interface IThumbnailMaker
{
    Task<Thumbnail?> MakeAsync(ReadOnlyMemory<byte> image, int maxSide, CancellationToken cancellationToken);
}

public sealed record Thumbnail(byte[] Bytes, string ContentType);

/// <summary>
/// Stand-in until the engine exposes a public resize (its libvips binding is internal): the original is served as its
/// own thumbnail. Browsers scale it; grids pay the full download. Replace by registering another <see cref="IThumbnailMaker"/>.
/// </summary>
public sealed class OriginalAsThumbnail : IThumbnailMaker
{
    public Task<Thumbnail?> MakeAsync(ReadOnlyMemory<byte> image, int maxSide, CancellationToken cancellationToken) => Task.FromResult<Thumbnail?>(null);
}
