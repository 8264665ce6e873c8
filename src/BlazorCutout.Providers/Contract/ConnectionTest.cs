namespace BlazorCutout.Providers;

public enum ConnectionTestOutcome
{
    /// <summary>The service answered a call that needs the key, and did not refuse it.</summary>
    KeyAccepted,
    /// <summary>The service answered that the key is not valid (or expired).</summary>
    KeyRefused,
    /// <summary>No usable answer: unreachable, timing out, failing, or not configured.</summary>
    Failed,
    /// <summary>The service documents no call that costs nothing, so none is made.</summary>
    NotOffered,
}

/// <summary>What one "Test connection" found, in words for the admin page.</summary>
public sealed record ConnectionTestResult(ConnectionTestOutcome Outcome, string Message, DateTimeOffset At);

/// <summary>
/// One cheap, non-charging call to a provider's service, for an administrator who wants to know whether the address and
/// the key work before a user's task finds out. Which call each service allows is in docs/provider-status.md.
/// </summary>
public interface IProviderConnectionTest
{
    Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken);
}
