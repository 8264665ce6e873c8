using System.Net;

namespace BlazorCutout.Providers;

/// <summary>
/// The default reading of an HTTP status as a <see cref="ProviderException"/>. Remote clients call it after their own
/// body-level mapping (HitPaw's 110402000, PicWish's status field) found nothing more specific.
/// </summary>
public static class HttpErrorClassifier
{
    /// <param name="what">What was being attempted, for the message ("Submitting to PicWish").</param>
    public static ProviderException FromStatus(HttpStatusCode status, string what, TimeSpan? retryAfter = null, string? providerDetail = null)
    {
        var code = (int)status;
        var detail = providerDetail ?? $"http={code}";
        return code switch
        {
            401 or 403 => new(ProviderErrorCode.AuthenticationFailed,
                $"{what} failed: the API key was refused (HTTP {code}). An administrator must check the key.", false, providerDetail: detail),
            402 => new(ProviderErrorCode.CoinsExhausted,
                $"{what} failed: the account has run out of coins or credit.", false, providerDetail: detail),
            404 or 410 => new(ProviderErrorCode.NotFound,
                $"{what} failed: not found (HTTP {code}); a result may have expired.", false, providerDetail: detail),
            408 => new(ProviderErrorCode.Timeout, $"{what} timed out (HTTP 408).", true, retryAfter: retryAfter, providerDetail: detail),
            413 => new(ProviderErrorCode.FileTooLarge, $"{what} failed: the file is too large for the service.", false, providerDetail: detail),
            415 => new(ProviderErrorCode.UnsupportedFormat, $"{what} failed: the service does not accept this format.", false, providerDetail: detail),
            429 => new(ProviderErrorCode.RateLimited,
                $"{what} was refused: too many requests right now; it will be retried.", true, retryAfter: retryAfter, providerDetail: detail),
            >= 500 => new(ProviderErrorCode.ServerError,
                $"{what} failed: the service had an error (HTTP {code}); it will be retried.", true, retryAfter: retryAfter, providerDetail: detail),
            >= 400 => new(ProviderErrorCode.InvalidInput,
                $"{what} failed: the service refused the request (HTTP {code}).", false, providerDetail: detail),
            _ => new(ProviderErrorCode.ProviderFailed, $"{what} returned an unexpected HTTP {code}.", false, providerDetail: detail),
        };
    }

    /// <summary>True for statuses worth retrying the very same request: 408, 429 and 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or >= 500;
}

/// <summary>Reads <c>Retry-After</c> in both its forms (delta seconds, HTTP date).</summary>
public static class RetryAfterHeader
{
    public static TimeSpan? Read(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header is null) return null;
        if (header.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header.Date is { } date) return date <= now ? TimeSpan.Zero : date - now;
        return null;
    }
}
