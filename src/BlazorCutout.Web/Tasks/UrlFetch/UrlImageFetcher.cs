using BlazorCutout.Providers;
using BlazorCutout.Providers.Security;
using BlazorCutout.Web.Shared;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tasks.UrlFetch;

/// <summary>
/// Fetches an image URL a user gave for one provider: within the caps of <see cref="UrlFetchGate"/>, through the URL
/// guard, cut off at the provider's own limit (<see cref="ProviderDescriptor.MaxSourceBytes"/>: nothing the provider
/// would refuse is fetched whole), streamed to a temporary file so memory never holds more than an accepted image.
/// </summary>
public sealed class UrlImageFetcher
{
    /// <summary>Temporary files older than this, found at start-up, were left by a killed process (downloads end in 60 s by default).</summary>
    private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    private readonly SafeDownloader _downloader;
    private readonly UrlFetchGate _gate;
    private readonly string _directory;

    public UrlImageFetcher(SafeDownloader downloader, UrlFetchGate gate, IOptions<UrlFetchOptions> options, ILogger<UrlImageFetcher> logger)
    {
        _downloader = downloader;
        _gate = gate;
        _directory = options.Value.Directory!;
        Directory.CreateDirectory(_directory);
        if (DownloadedFile.DeleteStale(_directory, StaleAfter) is > 0 and var stale)
            logger.LogInformation("Removed {Count} temporary download files left by an earlier run in {Directory}", stale, _directory);
    }

    /// <summary>The image at <paramref name="url"/>; throws <see cref="TaskRejectedException"/> with the reason.</summary>
    public async Task<IncomingImage> FetchAsync(string userId, ProviderDescriptor provider, string url, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        // On Linux "/photos/cat.jpg" (and "//host/cat.jpg") parse as absolute file: URIs; to the user they are part of an address.
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || uri.IsFile)
            throw new TaskRejectedException("InvalidUrl", "That is only part of a web address: enter a full https address, such as https://example.com/photo.jpg.");
        var limit = provider.MaxSourceBytes;
        using var slot = _gate.Enter(userId);
        try
        {
            await using var file = await _downloader.DownloadToFileAsync(uri, limit, _directory, progress, cancellationToken);
            var name = Path.GetFileName(uri.AbsolutePath);
            return new IncomingImage(string.IsNullOrWhiteSpace(name) ? "image" : Uri.UnescapeDataString(name), file.ContentType,
                await file.ReadAllBytesAsync(cancellationToken));
        }
        catch (ProviderException e) when (e.Code == ProviderErrorCode.DownloadTooLarge)
        {
            throw new TaskRejectedException(e.Code.ToString(),
                $"The image at {uri.Host} is larger than {TaskText.Bytes(limit)}, the most {provider.DisplayName} accepts.");
        }
        catch (ProviderException e)
        {
            throw new TaskRejectedException(e.Code.ToString(), e.Message);
        }
    }
}
