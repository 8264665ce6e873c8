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

    /// <summary>
    /// <see cref="FetchAsync"/> for results behind signed, expiring links (every remote provider's): a reference past its
    /// <c>ExpiresAt</c> is refused without a request, and a 401/403/404/410 from the storage side means the link is gone
    /// (object storage answers an expired signature with 403; a result link carries no key of ours, so a 401 cannot mean
    /// our key was refused either), so both become <paramref name="expired"/> (given the download's refusal, if any).
    /// </summary>
    public static async Task<DownloadedContent> FetchUnexpiredAsync(ResultReference result, SafeDownloader downloader, long maxBytes,
        TimeProvider time, Func<ProviderException?, ProviderException> expired, CancellationToken cancellationToken)
    {
        if (result is ResultReference.Remote { ExpiresAt: { } expiresAt } && time.GetUtcNow() >= expiresAt)
            throw expired(null);
        try
        {
            return await FetchAsync(result, downloader, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException e) when (e.Code is ProviderErrorCode.NotFound or ProviderErrorCode.AuthenticationFailed)
        {
            throw expired(e);
        }
    }
}
