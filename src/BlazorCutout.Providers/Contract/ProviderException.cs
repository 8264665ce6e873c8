namespace BlazorCutout.Providers;

/// <summary>
/// The only exception a provider lets out (besides <see cref="OperationCanceledException"/> for the caller's own cancellation).
/// <see cref="Exception.Message"/> is written for the end user and never contains secrets or provider URLs with signatures.
/// </summary>
public class ProviderException : Exception
{
    public ProviderException(
        ProviderErrorCode code,
        string userMessage,
        bool isTransient,
        Exception? inner = null,
        TimeSpan? retryAfter = null,
        string? providerDetail = null)
        : base(userMessage, inner)
    {
        Code = code;
        IsTransient = isTransient;
        RetryAfter = retryAfter;
        ProviderDetail = providerDetail;
    }

    public ProviderErrorCode Code { get; }

    /// <summary>
    /// True when the same request may succeed later (429, 5xx, timeouts, busy engine, open circuit):
    /// the worker reschedules instead of failing the task. False for bad keys, bad input, coins exhausted.
    /// </summary>
    public bool IsTransient { get; }

    /// <summary>The earliest moment worth retrying, when the provider said so (Retry-After) or we know (open circuit).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The provider's own code or state for logs and the admin view (e.g. "state=-7", "110402000"); not for users.</summary>
    public string? ProviderDetail { get; }

    public override string ToString() =>
        $"{GetType().Name} {Code} (transient={IsTransient}{(ProviderDetail is null ? "" : ", detail=" + ProviderDetail)}): {Message}";
}
