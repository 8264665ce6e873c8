using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using BlazorCutout.Providers.Secrets;

namespace BlazorCutout.Providers.Security;

/// <summary>
/// Downloads a URL we did not write ourselves (provider results, user-supplied image URLs): every hop validated by the
/// <see cref="UrlGuard"/> (statically here, by address at connect time), redirects followed by hand up to
/// <see cref="UrlGuardOptions.MaxRedirects"/>, the body cut off past the size limit, the whole thing under a time limit.
/// </summary>
public sealed class SafeDownloader : IDisposable
{
    private readonly HttpClient _client;
    private readonly UrlGuard _guard;
    private readonly ILogger _logger;

    public SafeDownloader(SafeHttpHandlerFactory handlers, ILogger<SafeDownloader>? logger = null)
    {
        _guard = handlers.Guard;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        // Our own timeout (linked token below) covers redirects and the body; HttpClient's would only cover one hop.
        _client = new HttpClient(handlers.CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("BlazorCutout/1.0");
    }

    public UrlGuard Guard => _guard;

    public Task<DownloadedContent> DownloadAsync(Uri url, CancellationToken cancellationToken) =>
        DownloadAsync(url, _guard.Options.DefaultMaxBytes, cancellationToken);

    /// <summary>The body in memory: for results, whose limit the caller keeps small.</summary>
    public Task<DownloadedContent> DownloadAsync(Uri url, long maxBytes, CancellationToken cancellationToken) =>
        GetAsync(url, maxBytes, async (content, at, ct) =>
        {
            await using var source = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await CopyLimitedAsync(source, buffer, maxBytes, at, progress: null, ct).ConfigureAwait(false);
            var bytes = buffer.ToArray();
            return new DownloadedContent(bytes, ContentTypeOf(content.Headers.ContentType, bytes));
        }, cancellationToken);

    /// <summary>
    /// The body streamed into a new temporary file in <paramref name="directory"/>, so a large or endless body costs one
    /// read buffer of memory, never its size. At most <paramref name="maxBytes"/> + 1 bytes are read: one past the limit
    /// proves it was passed. The file is deleted when the result is disposed, and at once on any failure or cancellation.
    /// </summary>
    /// <param name="progress">Told the bytes read so far after every read.</param>
    public Task<DownloadedFile> DownloadToFileAsync(Uri url, long maxBytes, string directory, IProgress<long>? progress, CancellationToken cancellationToken) =>
        GetAsync(url, maxBytes, async (content, at, ct) =>
        {
            var file = DownloadedFile.Create(directory);
            try
            {
                await using (var source = await content.ReadAsStreamAsync(ct).ConfigureAwait(false))
                    await CopyLimitedAsync(source, file.Stream, maxBytes, at, progress, ct).ConfigureAwait(false);
                await file.CompleteAsync(content.Headers.ContentType, ct).ConfigureAwait(false);
                return file;
            }
            catch
            {
                await file.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }, cancellationToken);

    /// <summary>Redirects, status, declared size, time limit and error mapping, the same for every way of keeping the body.</summary>
    private async Task<T> GetAsync<T>(Uri url, long maxBytes, Func<HttpContent, Uri, CancellationToken, Task<T>> readBody, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_guard.Options.DownloadTimeout);
        try
        {
            return await GetCoreAsync(url, maxBytes, readBody, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderException(ProviderErrorCode.Timeout,
                $"Downloading from {url.Host} took longer than {_guard.Options.DownloadTimeout.TotalSeconds:0} s.", isTransient: true);
        }
        catch (HttpRequestException e) when (e.InnerException is UrlRefusedException refused)
        {
            // Refusals raised in the connect callback arrive wrapped by the handler.
            throw refused;
        }
        catch (HttpRequestException e)
        {
            throw new ProviderException(ProviderErrorCode.NetworkError,
                $"Could not download from {url.Host}: {e.HttpRequestError}.", isTransient: true, inner: e);
        }
    }

    private async Task<T> GetCoreAsync<T>(Uri url, long maxBytes, Func<HttpContent, Uri, CancellationToken, Task<T>> readBody, CancellationToken ct)
    {
        var current = url;
        for (var hop = 0; ; hop++)
        {
            _guard.EnsureAllowed(current);
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            _logger.LogDebug("Download hop {Hop}: GET {Url} -> {Status}", hop, Redactor.RedactUrl(current), (int)response.StatusCode);

            if (IsRedirect(response.StatusCode))
            {
                if (hop >= _guard.Options.MaxRedirects)
                    throw new UrlRefusedException(UrlRefusal.TooManyRedirects,
                        $"{url.Host} redirected more than {_guard.Options.MaxRedirects} times.");
                var location = response.Headers.Location
                    ?? throw new UrlRefusedException(UrlRefusal.InvalidRedirect, $"{current.Host} sent a redirect without a target.");
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }

            if (!response.IsSuccessStatusCode)
                throw HttpErrorClassifier.FromStatus(response.StatusCode, $"Downloading from {current.Host}", RetryAfterHeader.Read(response, DateTimeOffset.UtcNow));

            if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
                throw TooLarge(current, maxBytes);

            return await readBody(response.Content, current, ct).ConfigureAwait(false);
        }
    }

    private static async Task CopyLimitedAsync(Stream source, Stream target, long maxBytes, Uri url, IProgress<long>? progress, CancellationToken ct)
    {
        var chunk = new byte[81920];
        long total = 0;
        while (true)
        {
            // Never ask for more than one byte past the limit: a lying or absent Content-Length must not make us read on.
            var want = (int)Math.Min(chunk.Length, maxBytes + 1 - total);
            var read = await source.ReadAsync(chunk.AsMemory(0, want), ct).ConfigureAwait(false);
            if (read == 0) return;
            total += read;
            progress?.Report(total);
            if (total > maxBytes) throw TooLarge(url, maxBytes);
            await target.WriteAsync(chunk.AsMemory(0, read), ct).ConfigureAwait(false);
        }
    }

    private static ProviderException TooLarge(Uri url, long maxBytes) =>
        new(ProviderErrorCode.DownloadTooLarge,
            $"The file at {url.Host} is larger than the {maxBytes / (1024.0 * 1024.0):0.##} MB limit.", isTransient: false);

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>The declared type, unless it is missing or generic, in which case the magic bytes decide.</summary>
    internal static string ContentTypeOf(MediaTypeHeaderValue? declared, ReadOnlySpan<byte> bytes)
    {
        var type = declared?.MediaType;
        if (!string.IsNullOrEmpty(type) && type != "application/octet-stream" && type != "binary/octet-stream") return type;
        return Sniff(bytes) ?? "application/octet-stream";
    }

    private static string? Sniff(ReadOnlySpan<byte> b) =>
        b.StartsWith([(byte)0x89, (byte)0x50, (byte)0x4E, (byte)0x47]) ? "image/png"
        : b.StartsWith([(byte)0xFF, (byte)0xD8, (byte)0xFF]) ? "image/jpeg"
        : b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : b.StartsWith("GIF8"u8) ? "image/gif"
        : b.StartsWith("BM"u8) ? "image/bmp"
        : b.StartsWith([(byte)0x49, (byte)0x49, (byte)0x2A, (byte)0x00]) || b.StartsWith([(byte)0x4D, (byte)0x4D, (byte)0x00, (byte)0x2A]) ? "image/tiff"
        : null;

    public void Dispose() => _client.Dispose();
}
