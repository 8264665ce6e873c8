using System.Net;

namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// The task state table of seed 004 (<c>data.state</c>), in one place: 1 done, 0 queued, 2–6 processing, below 0 failed.
/// gpt.ge resells PicWish and uses the same codes (seeds/README.md), so its client reads this table too, with its own name.
/// </summary>
public static class PicWishStates
{
    public const int Succeeded = 1;
    public const int Queued = 0;

    /// <summary>A failed state as the pipeline sees it. <c>Retryable</c>: submitting the same job again may succeed.</summary>
    public sealed record Failure(ProviderErrorCode Code, string Message, bool Retryable);

    /// <summary>Words for a processing state (shown next to the progress bar).</summary>
    public static string DescribeProgress(int state) => state switch
    {
        Queued => "Queued",
        2 => "Preparing",
        3 => "Waiting",
        4 => "Processing",
        5 => "Publishing the result",
        6 => "Processing",
        _ => "Processing",
    };

    /// <summary>
    /// The one wording of "the result expired" for both services (their result links live <paramref name="lifetime"/>).
    /// The lifetime is named only when it is why: when the link itself refused us (<paramref name="inner"/>), it may have
    /// died seconds after the task finished, and "links last 1 hour" would then say what is not so.
    /// </summary>
    public static ProviderException ResultExpired(string service, TimeSpan lifetime, ProviderException? inner) =>
        new(ProviderErrorCode.NotFound,
            inner is null
                ? $"The result has expired at {service}: its result links are only valid for {Describe(lifetime)} after the task finishes, and that time had passed before it could be fetched. Run the task again."
                : $"The result expired at {service} before BlazorCutout could fetch it: its link no longer works. Run the task again.",
            isTransient: false, inner: inner, providerDetail: "result-expired " + (inner?.ProviderDetail ?? "expired-before-download"));

    private static string Describe(TimeSpan t) =>
        t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) ? $"{t.TotalHours:0} hour{(t.TotalHours == 1 ? "" : "s")}"
        : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} minutes" : $"{t.TotalSeconds:0.#} seconds";

    /// <summary>Maps a state below 0 to a code and a message naming <paramref name="service"/>.</summary>
    public static Failure MapFailure(int state, string service) => state switch
    {
        -17 => new(ProviderErrorCode.InvalidOption, $"{service} rejected the prompt as invalid. Change the prompt and try again.", false),
        -16 => new(ProviderErrorCode.ContentRejected, $"{service}'s third-party content review found prohibited content in the image, so it was not processed.", false),
        -15 => new(ProviderErrorCode.Busy, $"{service} did not have enough resources to process the image right now; try again in a moment.", true),
        -14 => new(ProviderErrorCode.InvalidInput, $"{service} cannot process this image: its content does not meet the service's requirements.", false),
        -13 => new(ProviderErrorCode.ProviderFailed, $"{service} cancelled the task after an internal exception; try again.", true),
        -11 => new(ProviderErrorCode.ProviderFailed, $"{service} produced an empty result: no subject was found in the image.", false),
        -10 => new(ProviderErrorCode.ContentRejected, $"{service}'s content review found prohibited content in the image, so it was not processed.", false),
        -9 => new(ProviderErrorCode.ServerError, $"{service} failed internally while processing the image; try again.", true),
        -8 => new(ProviderErrorCode.Timeout, $"{service} took longer than its 180-second processing limit; try again, perhaps with a smaller image.", true),
        -7 => new(ProviderErrorCode.InvalidInput, $"{service} could not read the image: the file is corrupt or not in a supported format.", false),
        -5 => new(ProviderErrorCode.FileTooLarge, $"The image at the given URL is larger than the 30 MB {service} accepts by URL.", false),
        -3 => new(ProviderErrorCode.InputNotAccepted, $"{service} could not download the source image from its URL; check that the URL is reachable and try again.", true),
        -2 => new(ProviderErrorCode.ServerError, $"{service} processed the image but failed to store the result; try again.", true),
        -1 => new(ProviderErrorCode.ProviderFailed, $"{service} failed to process the image; try again.", true),
        _ => new(ProviderErrorCode.ProviderFailed, $"{service} reported an unknown failure (state {state}).", false),
    };

    /// <summary>
    /// The HTTP status table of seed 004 (the HTTP status, or the envelope's <c>status</c> field — see
    /// <see cref="PicWishWire.EffectiveStatus"/>). Anything not listed falls back to <see cref="HttpErrorClassifier"/>.
    /// </summary>
    public static ProviderException MapStatus(int status, string service, string what, string? providerMessage, TimeSpan? retryAfter)
    {
        var detail = $"status={status}" + (string.IsNullOrWhiteSpace(providerMessage) ? "" : $" message={Trim(providerMessage)}");
        return status switch
        {
            400 => new(ProviderErrorCode.InvalidInput,
                $"{what} failed: {service} says a parameter is missing or wrong{(string.IsNullOrWhiteSpace(providerMessage) ? "" : $" ({Trim(providerMessage)})")}.",
                false, providerDetail: detail),
            401 => new(ProviderErrorCode.AuthenticationFailed,
                $"{what} failed: {service} refused the API key (HTTP 401). An administrator must check the key and that the service is enabled.",
                false, providerDetail: detail),
            404 => new(ProviderErrorCode.NotFound,
                $"{what} failed: {service} does not know this task any more (HTTP 404); tasks and results are kept for 1 hour.",
                false, providerDetail: detail),
            413 => new(ProviderErrorCode.FileTooLarge,
                $"{what} failed: the image is larger than {service} accepts (20 MB uploaded, 30 MB by URL).", false, providerDetail: detail),
            429 => new(ProviderErrorCode.RateLimited,
                $"{what} was refused: {service} is receiving more requests per second than it allows; the task will be retried.",
                true, retryAfter: retryAfter, providerDetail: detail),
            500 => new(ProviderErrorCode.ServerError,
                $"{what} failed: {service} had an internal error (HTTP 500); the task will be retried.", true, retryAfter: retryAfter, providerDetail: detail),
            _ => HttpErrorClassifier.FromStatus((HttpStatusCode)status, what, retryAfter, detail),
        };
    }

    // A provider message goes into logs and one user message; keep it short and single-line.
    private static string Trim(string message)
    {
        var oneLine = message.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 200 ? oneLine : oneLine[..200] + "…";
    }
}
