namespace BlazorCutout.Providers;

/// <summary>
/// Stable, provider-neutral failure codes. The names are persisted on task rows and shown in the admin pages,
/// so rename nothing; add new members at the end.
/// </summary>
public enum ProviderErrorCode
{
    /// <summary>Anything a provider reported that maps to nothing more specific.</summary>
    ProviderFailed,
    UnknownProvider,
    ProviderUnavailable,
    /// <summary>The provider is configured wrongly on our side (missing model file, base URL, …): an admin must act.</summary>
    ProviderMisconfigured,
    UnsupportedOperation,
    InputNotAccepted,
    InvalidInput,
    UnsupportedFormat,
    FileTooLarge,
    TooManyPixels,
    InvalidOption,
    AuthenticationFailed,
    CoinsExhausted,
    RateLimited,
    Busy,
    Timeout,
    NetworkError,
    /// <summary>Server-side error (5xx) or an answer we could not understand.</summary>
    ServerError,
    /// <summary>The provider task or result no longer exists (expired result URL, unknown task id).</summary>
    NotFound,
    ContentRejected,
    UrlRefused,
    DownloadTooLarge,
    CircuitOpen,
}
