using BlazorCutout.Providers.Security;

namespace BlazorCutout.Providers;

/// <summary>The common body of <see cref="ICutoutProvider.FetchAsync"/>: inline bytes as they are, URLs through the guarded downloader.</summary>
public static class ResultFetcher
{
    public static async Task<DownloadedContent> FetchAsync(ResultReference result, SafeDownloader? downloader, long maxBytes, CancellationToken cancellationToken)
    {
        switch (result)
        {
            case ResultReference.Inline inline:
                return new DownloadedContent(inline.Bytes.ToArray(), inline.ContentType);
            case ResultReference.Remote remote when downloader is not null:
                return await downloader.DownloadAsync(remote.Url, maxBytes, cancellationToken).ConfigureAwait(false);
            default:
                throw new ProviderException(ProviderErrorCode.ProviderFailed, "This provider cannot fetch results from a URL.", isTransient: false);
        }
    }
}
