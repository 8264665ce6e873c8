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

    public async Task<DownloadedContent> DownloadAsync(Uri url, long maxBytes, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_guard.Options.DownloadTimeout);
        try
        {
            return await DownloadCoreAsync(url, maxBytes, timeout.Token).ConfigureAwait(false);
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

    private async Task<DownloadedContent> DownloadCoreAsync(Uri url, long maxBytes, CancellationToken ct)
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

            var bytes = await ReadLimitedAsync(response.Content, maxBytes, current, ct).ConfigureAwait(false);
            return new DownloadedContent(bytes, ContentTypeOf(response.Content.Headers.ContentType, bytes));
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, long maxBytes, Uri url, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            // Stop as soon as the limit is passed: a lying or absent Content-Length must not make us buffer more.
            if (buffer.Length + read > maxBytes) throw TooLarge(url, maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
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
