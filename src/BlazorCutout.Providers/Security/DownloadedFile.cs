using System.Net.Http.Headers;

namespace BlazorCutout.Providers.Security;

/// <summary>
/// A body <see cref="SafeDownloader"/> streamed into a temporary file. The file is opened delete-on-close, so it goes
/// when this is disposed, whatever path the caller took (success, refusal, cancellation). Only a killed process leaves
/// one behind; <see cref="DeleteStale"/> clears those.
/// </summary>
public sealed class DownloadedFile : IAsyncDisposable
{
    /// <summary>The extension of files being written, so a sweep can tell them from anything else in the folder.</summary>
    public const string Extension = ".part";

    private DownloadedFile(string path, FileStream stream)
    {
        Path = path;
        Stream = stream;
    }

    /// <summary>Where the body is (for logs and tests; it disappears on dispose).</summary>
    public string Path { get; }

    public long Length => Stream.Length;

    /// <summary>The declared type, or the one the first bytes show when the declaration is missing or generic.</summary>
    public string ContentType { get; private set; } = "application/octet-stream";

    internal FileStream Stream { get; }

    internal static DownloadedFile Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, $"fetch-{Guid.NewGuid():N}{Extension}");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        return new DownloadedFile(path, stream);
    }

    internal async Task CompleteAsync(MediaTypeHeaderValue? declared, CancellationToken ct)
    {
        var head = new byte[16];
        Stream.Position = 0;
        var n = await Stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        ContentType = SafeDownloader.ContentTypeOf(declared, head.AsSpan(0, n));
        Stream.Position = 0;
    }

    /// <summary>The whole body in memory, once it is known to be within the limit the download was given.</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken ct)
    {
        var bytes = new byte[Stream.Length];
        Stream.Position = 0;
        await Stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        return bytes;
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    /// <summary>
    /// Deletes the temporary files in <paramref name="directory"/> older than <paramref name="olderThan"/>: what a
    /// killed process left. Younger ones may belong to another instance's download in progress.
    /// </summary>
    public static int DeleteStale(string directory, TimeSpan olderThan)
    {
        if (!Directory.Exists(directory)) return 0;
        var before = DateTime.UtcNow - olderThan;
        var deleted = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*" + Extension))
        {
            try
            {
                if (file.LastWriteTimeUtc >= before) continue;
                file.Delete();
                deleted++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return deleted;
    }
}
