using System.Collections.Frozen;
using System.Net;
using BlazorCutout.Engine;

namespace BlazorCutout.Providers.Tengr;

/// <summary>
/// The places where seed 001 is silent and BlazorCutout chose; each is used from one spot in the client.
/// </summary>
public static class TengrDecisions
{
    /// <summary>001 gives paths only; the vendor's API host.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.tengr.ai/");

    /// <summary>001 lists no rate: 2 requests/s and 4 in flight until Tengr says otherwise (429s are retried with back-off anyway).</summary>
    public static readonly ProviderRate AssumedRate = new(2, 4);

    /// <summary>001 lists no input limits: BlazorCutout's common ones (20 MB, 4096 px per side, png/jpeg/webp).</summary>
    public static readonly ProviderLimits AssumedLimits = new();

    /// <summary>
    /// The results are masks ("get back a mask you can use to isolate parts of the image"): every <c>results</c> URL is a
    /// <see cref="ResultRole.Mask"/>, index = position in the array. Tengr therefore declares <see cref="OutputKind.Mask"/> only.
    /// </summary>
    public const ResultRole ResultsRole = ResultRole.Mask;

    /// <summary>001 says nothing about how long result URLs live: no expiry is assumed; the pipeline downloads at once.</summary>
    public static readonly TimeSpan? ResultLifetime = null;

    /// <summary>
    /// How <see cref="JobOptions"/> maps to 001's parameters:
    /// PositivePoints → <c>pointsPositive {points: [[x,y]…], labels: [1…]}</c>;
    /// NegativePoints → <c>pointsNegative {points, labels: [0…]}</c> (SAM's convention: 1 = foreground, 0 = background);
    /// TextPrompt → <c>textPrompt</c>; Mask.Expand/TaperedCorners/BlurSigma/KernelSize → <c>maskExpand</c>/
    /// <c>maskTaperedCorners</c>/<c>maskBlurSigma</c>/<c>maskKernelSize</c>; Format Png → <c>png</c>, Webp → <c>webp</c>
    /// (never <c>auto</c>: we know what we asked for; JPG is not offered). Text-only parameters are sent only with
    /// <c>method=text</c>, points-only ones only with <c>method=points</c>.
    /// </summary>
    public const int PositiveLabel = 1;
    public const int NegativeLabel = 0;

    /// <summary>
    /// 001: <c>webhook</c> "must be HTTPS and a publicly routable host". It is sent only when callbacks are enabled and our
    /// callback URL is https on a host whose every address is public (<see cref="Security.UrlGuard.IsPublicHttpsAsync"/>),
    /// whatever the URL guard's test allowances say: Tengr refuses anything else, and the task would fail for good.
    /// Otherwise it is left out and polling alone finishes the task.
    /// </summary>
    public const bool WebhookOnlyWhenHttpsOnAPublicHost = true;

    /// <summary>A failed artwork gives no reason; not retried automatically (the same input would most likely fail again).</summary>
    public const bool FailedIsRetryable = false;

    /// <summary>A canceled artwork was stopped on Tengr's side, not because of the input: submitting again may work.</summary>
    public const bool CanceledIsRetryable = true;

    /// <summary>Undocumented status words are treated as "in progress" until the poll deadline.</summary>
    public const bool UnknownStatusMeansInProgress = true;

    /// <summary>404 on the poll path (undocumented): the artwork is gone (expired or never existed).</summary>
    public const ProviderErrorCode PollNotFoundCode = ProviderErrorCode.NotFound;

    /// <summary>
    /// 403 (documented, reason unspecified) is read as an account problem (no access to the API or no credit) and marks the
    /// provider unavailable like a refused key.
    /// </summary>
    public const ProviderErrorCode ForbiddenCode = ProviderErrorCode.AuthenticationFailed;

    /// <summary>A 400's <c>message</c> names the bad parameter, so it is shown to the user (keys masked, length bounded).</summary>
    public const bool ShowBadRequestMessage = true;
}

/// <summary>001's artwork states.</summary>
public static class TengrStatus
{
    public const string Starting = "starting";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
}

/// <summary>001's documented ranges and defaults, in one table both the validator and the tests read.</summary>
public static class TengrRanges
{
    public const int MaskExpandMin = -16384, MaskExpandMax = 16384, MaskExpandDefault = 0;
    public const double MaskBlurSigmaMin = 0.1, MaskBlurSigmaMax = 100, MaskBlurSigmaDefault = 0.1;
    /// <summary>001 gives only the upper bound; a negative kernel size means nothing, so ≥ 0 is required too.</summary>
    public const int MaskKernelSizeMin = 0, MaskKernelSizeMax = 100, MaskKernelSizeDefault = 0;
    /// <summary>001 gives only ≤ 1; a confidence is a probability, so ≥ 0 too.</summary>
    public const double TextConfidenceMin = 0, TextConfidenceMax = 1, TextConfidenceDefault = 0.2;
    public const int TextMaxDetectionsMin = -1, TextMaxDetectionsMax = 100, TextMaxDetectionsDefault = -1;
    /// <summary>001 gives only ≤ 10; ≥ 0 too.</summary>
    public const int PointsRefinementStepsMin = 0, PointsRefinementStepsMax = 10, PointsRefinementStepsDefault = 0;
    public const double CoordinateMin = 0, CoordinateMax = 1;
    /// <summary>001: each point is "≥ 2, ≤ 2" items: exactly [x, y].</summary>
    public const int PointArity = 2;
    public static readonly FrozenSet<string> OutputFormats = new[] { "auto", "png", "webp" }.ToFrozenSet();
    public static readonly FrozenSet<string> Methods = new[] { "text", "points" }.ToFrozenSet();
}

/// <summary>001's error statuses (body <c>{message, statusCode, error}</c>) as clear, provider-neutral failures.</summary>
public static class TengrErrors
{
    public static ProviderException FromStatus(HttpStatusCode status, string? providerMessage, TimeSpan? retryAfter, string what, string displayName)
    {
        var code = (int)status;
        var detail = $"http={code}{(string.IsNullOrEmpty(providerMessage) ? "" : " " + providerMessage)}";
        return code switch
        {
            400 => new ProviderException(ProviderErrorCode.InvalidOption,
                TengrDecisions.ShowBadRequestMessage && !string.IsNullOrWhiteSpace(providerMessage)
                    ? $"{displayName} refused the segmentation parameters: {providerMessage}"
                    : $"{displayName} refused the segmentation parameters (400 Bad Request).", false, providerDetail: detail),
            401 => new ProviderException(ProviderErrorCode.AuthenticationFailed,
                $"{displayName} refused the API key (401 Unauthorized). An administrator must check the key.", false, providerDetail: detail),
            403 => new ProviderException(TengrDecisions.ForbiddenCode,
                $"{displayName} forbade the request (403 Forbidden): the account may lack access to segmentation or credit. An administrator must check the {displayName} account.",
                false, providerDetail: detail),
            404 => new ProviderException(TengrDecisions.PollNotFoundCode,
                $"{displayName} no longer knows this artwork (404); it may have expired. Submit the image again.", false, providerDetail: detail),
            429 => new ProviderException(ProviderErrorCode.RateLimited,
                $"{displayName} is limiting how fast BlazorCutout may send requests (429); the task will be retried.", true,
                retryAfter: retryAfter, providerDetail: detail),
            >= 500 => new ProviderException(ProviderErrorCode.ServerError,
                $"{displayName} had an internal error (HTTP {code}); the task will be retried.", true, retryAfter: retryAfter, providerDetail: detail),
            _ => HttpErrorClassifier.FromStatus(status, what, retryAfter, detail),
        };
    }
}
