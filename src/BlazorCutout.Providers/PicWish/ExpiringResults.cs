using BlazorCutout.Providers.Security;

namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// Fetching results whose URLs expire (PicWish and gpt.ge: 1 hour). A reference already past its <c>ExpiresAt</c> is
/// refused without a request; a download answered 403/404/410 (object storage's answer to an expired signed URL) is
/// reported as an expired result rather than as a refused key.
/// </summary>
public static class ExpiringResults
{
    public static async Task<DownloadedContent> FetchAsync(ResultReference result, SafeDownloader downloader, long maxBytes,
        TimeProvider time, string service, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (result is ResultReference.Remote { ExpiresAt: { } expires } && time.GetUtcNow() >= expires)
            throw Expired(service, lifetime, "expired-before-download");
        try
        {
            return await ResultFetcher.FetchAsync(result, downloader, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException e) when (e is not UrlRefusedException && e.ProviderDetail is "http=403" or "http=404" or "http=410")
        {
            throw Expired(service, lifetime, e.ProviderDetail!, e);
        }
    }

    /// <summary>The one wording of "the result expired" for both services.</summary>
    public static ProviderException Expired(string service, TimeSpan lifetime, string detail, Exception? inner = null) =>
        new(ProviderErrorCode.NotFound,
            $"The result has expired at {service}: its result links are only valid for {Describe(lifetime)} after the task finishes. Run the task again.",
            isTransient: false, inner: inner, providerDetail: "result-expired " + detail);

    private static string Describe(TimeSpan t) =>
        t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) ? $"{t.TotalHours:0} hour{(t.TotalHours == 1 ? "" : "s")}"
        : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} minutes" : $"{t.TotalSeconds:0.#} seconds";
}
