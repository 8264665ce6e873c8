namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>Where asset bytes live. Keys are opaque to callers; the database row (<c>AssetRecord</c>) says who may read them.</summary>
public interface IAssetStore
{
    /// <summary>Writes the bytes completely (or not at all). Throws <see cref="AssetStorageException"/> when the store cannot take them.</summary>
    Task<StoredFile> SaveAsync(Guid assetId, ReadOnlyMemory<byte> bytes, string extension, CancellationToken cancellationToken = default);

    /// <summary>Null when the file is gone.</summary>
    Stream? OpenRead(string key);

    Task<byte[]?> ReadAllAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Best effort; a missing file is not an error.</summary>
    void Delete(string key);

    /// <summary>
    /// Every file the store holds, with when it was written, including what an interrupted write left behind; each key
    /// can be given to <see cref="Delete"/>. For the orphan sweep (<see cref="OrphanFileSweep"/>).
    /// </summary>
    IEnumerable<StoredEntry> List();
}

public static class AssetStoreExtensions
{
    /// <summary>Writes a new asset's bytes (in its content type's extension) and records on the row where they went and their hash.</summary>
    public static async Task<StoredFile> SaveFileAsync(this IAssetStore store, Data.Tasks.AssetRecord asset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        var file = await store.SaveAsync(asset.Id, bytes, ImageFormats.ExtensionOf(asset.ContentType), cancellationToken);
        asset.StorageKey = file.Key;
        asset.Sha256 = file.Sha256;
        return file;
    }
}

public sealed record StoredFile(string Key, long Bytes, string Sha256);

public sealed record StoredEntry(string Key, DateTimeOffset WrittenUtc);

/// <summary>The store could not write (disk full, data directory not writable): reported to the user and the log, never swallowed.</summary>
public sealed class AssetStorageException(string message, Exception? inner = null) : Exception(message, inner);
