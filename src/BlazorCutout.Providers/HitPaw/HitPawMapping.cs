using System.Collections.Frozen;

namespace BlazorCutout.Providers.HitPaw;

/// <summary>
/// The places where seed 003 is silent and BlazorCutout chose. Each is used from exactly one spot in the client,
/// so changing one (when the real service shows otherwise) is a one-line edit here.
/// </summary>
public static class HitPawDecisions
{
    /// <summary>003 lists no request rate: 2 requests/s and 4 in flight, the pace PicWish documents, until HitPaw says otherwise.</summary>
    public static readonly ProviderRate AssumedRate = new(2, 4);

    /// <summary>
    /// 003 lists formats (jpg, jpeg, png, webp) but no size limits: BlazorCutout's common limits (20 MB, 4096 px per side)
    /// apply, checked before anything is sent or charged.
    /// </summary>
    public static readonly ProviderLimits AssumedLimits = new()
    {
        AcceptedFormats = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "jpg", "jpeg", "png", "webp" },
    };

    /// <summary>
    /// The status answer does not know which output the task asked for, and HitPaw always makes both files: a finished job
    /// yields both references (<see cref="ResultRole.Image"/> = <c>res_url</c>, <see cref="ResultRole.Mask"/> = <c>mask_url</c>)
    /// and the pipeline stores the one(s) the task asked for.
    /// </summary>
    public const bool ReturnBothResults = true;

    /// <summary>
    /// The body's <c>code</c> decides when present (HitPaw may answer HTTP 200 with an error code); the HTTP status decides
    /// otherwise. A body code of 200 with a non-2xx HTTP status is read by the HTTP status.
    /// </summary>
    public const bool BodyCodeWinsOverHttpStatus = true;

    /// <summary>
    /// An ERROR job gives no reason. Not retried automatically: HitPaw charged coins at submission, so a blind resubmission
    /// could charge again for an image it cannot process.
    /// </summary>
    public const bool ErrorStatusIsRetryable = false;

    /// <summary>An unknown status word is treated as "still converting" until the poll deadline (logged once per poll).</summary>
    public const bool UnknownStatusMeansInProgress = true;

    /// <summary>
    /// A 2xx submit answer we cannot read (no job_id) is a permanent failure, not a retry: HitPaw may have accepted and charged,
    /// and resubmitting could charge twice.
    /// </summary>
    public const bool UnreadableSubmitAnswerIsPermanent = true;

    /// <summary>
    /// "No access" (100400000) is read as an account problem (the key lacks this API), so it marks the provider like a
    /// refused key; the admin sees it next to the provider.
    /// </summary>
    public const ProviderErrorCode NoAccessCode = ProviderErrorCode.AuthenticationFailed;

    /// <summary>Coins exhausted is remembered until an admin clears it (<see cref="HitPawProvider.ClearAccountState"/>) or
    /// <see cref="RemoteProviderOptions.AccountHoldFor"/> passes; a successful status poll does not clear it (it proves nothing about coins).</summary>
    public const bool OnlySuccessfulSubmissionClearsAccountState = true;
}

/// <summary>003's job states.</summary>
public static class HitPawStatus
{
    public const string Converting = "CONVERTING";
    public const string Completed = "COMPLETED";
    public const string Error = "ERROR";
}

/// <summary>003's error-code table, mapped to provider-neutral codes and messages a user can act on.</summary>
public static class HitPawErrors
{
    public const long NoAccess = 100400000;
    public const long InvalidUrl = 100400001;
    public const long BadRequest = 100400002;
    public const long TokenExpired = 100401000;
    public const long InternalError = 100500000;
    public const long ApiKeyNotValid = 110400000;
    public const long CoinsNotEnough = 110402000;

    public sealed record Entry(int HttpStatus, string DocumentedMessage, ProviderErrorCode Code, bool IsTransient, string UserMessage);

    public static readonly FrozenDictionary<long, Entry> Table = new Dictionary<long, Entry>
    {
        [NoAccess] = new(400, "No access", HitPawDecisions.NoAccessCode, false,
            "HitPaw refused access: the API key has no access to image segmentation. An administrator must check the HitPaw account."),
        [InvalidUrl] = new(400, "Invalid URL", ProviderErrorCode.InvalidInput, false,
            "HitPaw could not use the image's URL. Check that BlazorCutout's public base URL is reachable from the internet."),
        [BadRequest] = new(400, "Bad Request", ProviderErrorCode.InvalidInput, false,
            "HitPaw refused the request as malformed (bad request)."),
        [TokenExpired] = new(401, "Token is expired", ProviderErrorCode.AuthenticationFailed, false,
            "HitPaw says the API key has expired. An administrator must renew it."),
        [InternalError] = new(500, "Internal error", ProviderErrorCode.ServerError, true,
            "HitPaw had an internal error; the task will be retried."),
        [ApiKeyNotValid] = new(400, "api_key is not valid", ProviderErrorCode.AuthenticationFailed, false,
            "HitPaw refused the API key as not valid. An administrator must check the key."),
        [CoinsNotEnough] = new(402, "The coins are not enough", ProviderErrorCode.CoinsExhausted, false,
            "HitPaw coins exhausted; an admin must top up the HitPaw account."),
    }.ToFrozenDictionary();

    /// <summary>The exception for a documented code, or null for one the document does not list.</summary>
    public static ProviderException? FromCode(long code, TimeSpan? retryAfter = null)
    {
        if (!Table.TryGetValue(code, out var e)) return null;
        return new ProviderException(e.Code, e.UserMessage, e.IsTransient,
            retryAfter: e.IsTransient ? retryAfter : null, providerDetail: $"code={code}");
    }
}
