using System.Text.RegularExpressions;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// A submission whose fate is unknown: the service failed while taking it (an HTTP 5xx, a timeout, a dropped
/// connection) or the server stopped mid-send. The task fails and is never sent again by itself, since the service may
/// have accepted, and charged for, it; and no result can arrive for a failed task. Its own code and words say exactly
/// that, so the card does not also promise an automatic retry, and its Retry says it may be charged again.
/// </summary>
public static partial class SubmitOutcomeUnknown
{
    public const string Code = "OutcomeUnknown";

    /// <param name="what">What happened, in one clause ("PicWish had an internal error (HTTP 500)").</param>
    public static string Message(string service, string what) =>
        $"{Clause(what)}, so it is unknown whether {service} accepted the task. {service} may have charged for it. " +
        "It was not sent again automatically, to avoid paying twice. Retry sends it again, and it may be charged again.";

    /// <summary>
    /// A provider's transient message without its promise of an automatic retry ("…; the task will be retried."):
    /// here nothing is retried by itself.
    /// </summary>
    public static string Clause(string message) => RetryPromise().Replace(message.Trim(), "").TrimEnd('.', ';', ',', ' ');

    [GeneratedRegex(@"[;,.]?\s*(the task|it) will be retried\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex RetryPromise();
}
