using System.Security.Cryptography;
using BlazorCutout.Web.Infrastructure;

namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>
/// The default store: <c>&lt;data&gt;/assets/&lt;2 hex&gt;/&lt;asset id&gt;.&lt;ext&gt;</c>. A file is written under a temporary name
/// and renamed into place, so a reader never sees half a file and a crash leaves no truncated asset.
/// </summary>
public sealed class FileSystemAssetStore(DataDirectory dataDirectory, ILogger<FileSystemAssetStore> logger) : IAssetStore
{
    public const string FolderName = "assets";

    private string Root => Path.Combine(dataDirectory.Path, FolderName);

    public async Task<StoredFile> SaveAsync(Guid assetId, ReadOnlyMemory<byte> bytes, string extension, CancellationToken cancellationToken = default)
    {
        var id = assetId.ToString("N");
        var key = $"{id[..2]}/{id}.{extension}";
        var path = FullPath(key);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                await stream.WriteAsync(bytes, cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            var reason = Describe(e);
            logger.LogError(e, "Asset store: could not write {Path}: {Reason}", path, reason);
            throw new AssetStorageException($"The server could not store the image: {reason}. An administrator needs to look at the server's storage.", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return new StoredFile(key, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes.Span)));
    }

    public Stream? OpenRead(string key)
    {
        try
        {
            return new FileStream(FullPath(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<byte[]?> ReadAllAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await File.ReadAllBytesAsync(FullPath(key), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Delete(string key)
    {
        try
        {
            File.Delete(FullPath(key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Asset store: could not delete {Key}", key);
        }
    }

    public IEnumerable<StoredEntry> List()
    {
        var root = new DirectoryInfo(Root);
        if (!root.Exists) yield break;
        foreach (var folder in root.EnumerateDirectories())
            foreach (var file in folder.EnumerateFiles())
                if (IsOurs(folder.Name, file.Name))
                    yield return new StoredEntry($"{folder.Name}/{file.Name}", new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
    }

    // Only names this store writes ("ab/ab…32 hex….ext", or that plus ".tmp-…"): anything else in the folder is not ours to judge.
    private static bool IsOurs(string folder, string file) =>
        folder.Length == 2 && file.Length > 33 && file.StartsWith(folder, StringComparison.Ordinal) && file[32] == '.'
        && !file.AsSpan(0, 32).ContainsAnyExcept("0123456789abcdef");

    private string FullPath(string key)
    {
        // Keys are ours ("ab/<guid>.<ext>"), but never let one escape the root.
        var full = Path.GetFullPath(Path.Combine(Root, key));
        if (!full.StartsWith(Path.GetFullPath(Root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("Invalid asset key.", nameof(key));
        return full;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static string Describe(Exception e)
    {
        const int ENOSPC = 28, EDQUOT = 122, EROFS = 30, EACCES = 13;
        var errno = e.HResult & 0xFFFF;
        return e switch
        {
            UnauthorizedAccessException => "its data folder is not writable",
            IOException when errno is ENOSPC or EDQUOT || e.HResult == unchecked((int)0x80070070) => "its disk is full",
            IOException when errno is EROFS or EACCES => "its data folder is not writable",
            _ => "its data folder cannot be written (" + e.Message + ")",
        };
    }
}
