using BlazorCutout.Engine;
using BlazorCutout.Web.Infrastructure;

namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>
/// Thumbnails made by the local engine (<see cref="IImageThumbnailer"/>: WebP with alpha, long side at most the
/// configured size), generated once and kept in <c>&lt;data&gt;/thumbnails/&lt;2 hex&gt;/&lt;sha256&gt;-&lt;size&gt;.webp</c>.
/// Keyed by the content's hash, not the asset id: asset bytes never change, identical images share one file, and a
/// size change simply makes new files. Written under a temporary name and renamed, so a reader never sees half a file;
/// two requests racing both make it and the second rename wins with identical bytes. Without the engine (a host that
/// registers another <see cref="ICutoutEngine"/>) or for an image it refuses, null: the endpoint serves the original.
/// </summary>
public sealed class EngineThumbnailMaker(DataDirectory dataDirectory, ILogger<EngineThumbnailMaker> logger, IImageThumbnailer? thumbnailer = null)
    : IThumbnailMaker
{
    public const string FolderName = "thumbnails";
    private const string ContentType = "image/webp";

    public async Task<Thumbnail?> MakeAsync(string sha256, Func<CancellationToken, Task<byte[]?>> readImage, int maxSide, CancellationToken cancellationToken)
    {
        if (thumbnailer is null || maxSide <= 0 || !IsSha256(sha256)) return null;
        var path = CachePath(sha256, maxSide);
        try
        {
            return new Thumbnail(await File.ReadAllBytesAsync(path, cancellationToken), ContentType);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { }

        // A cache hit never reads the original: grids ask for many thumbnails, and originals run to megabytes.
        if (await readImage(cancellationToken) is not { Length: > 0 } image) return null;

        ImageThumbnail made;
        try
        {
            made = await Task.Run(() => thumbnailer.Thumbnail(image, maxSide), cancellationToken);
        }
        catch (CutoutException e)
        {
            logger.LogWarning("Thumbnail: the engine cannot read the image ({Code}: {Message}); serving the original", e.Code, e.Message);
            return null;
        }
        if (made.ContentType != ContentType) return new Thumbnail(made.Bytes, made.ContentType); // not what the cache names hold

        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(temp, made.Bytes, CancellationToken.None);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Serving it uncached is still right; the next request tries again.
            logger.LogWarning(e, "Thumbnail cache: could not write {Path}", path);
            try { File.Delete(temp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
        }
        return new Thumbnail(made.Bytes, made.ContentType);
    }

    /// <summary>Where the thumbnail of the content with this SHA-256 at this size is kept.</summary>
    private string CachePath(string hash, int maxSide) => Path.Combine(dataDirectory.Path, FolderName, hash[..2], $"{hash}-{maxSide}.webp");

    // The hash becomes a path: only ever 64 hex digits, never a name of someone else's choosing.
    private static bool IsSha256(string value) => value.Length == 64 && value.All(Uri.IsHexDigit);

    public void Forget(string sha256)
    {
        if (!IsSha256(sha256)) return;
        var folder = Path.GetDirectoryName(CachePath(sha256, 0))!;
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.EnumerateFiles(folder, sha256 + "-*")) // with what an interrupted write left
        {
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Thumbnail cache: could not delete {Path}", file);
            }
        }
    }

    public IEnumerable<KeptThumbnail> Kept()
    {
        var root = new DirectoryInfo(Path.Combine(dataDirectory.Path, FolderName));
        if (!root.Exists) yield break;
        foreach (var folder in root.EnumerateDirectories())
            foreach (var file in folder.EnumerateFiles())
            {
                var hash = file.Name.Split('-', 2)[0];
                if (IsSha256(hash))
                    yield return new KeptThumbnail(hash, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
            }
    }
}
