namespace BlazorCutout.Providers.Resilience;

/// <summary>The provider's circuit breaker, as the admin page names it.</summary>
public enum CircuitState { Closed, Open, HalfOpen }

/// <summary>What the admin page shows of a provider's HTTP health: the breaker and the last failure that counted against it.</summary>
/// <param name="CircuitSince">When the breaker last changed state (null: closed since the app started or the settings changed).</param>
/// <param name="LastFailure">The last outage-like answer (a 5xx, a timeout, no connection), in short: "HTTP 503", "TimeoutRejectedException".</param>
public sealed record ProviderHealthSnapshot(CircuitState Circuit, DateTimeOffset? CircuitSince, string? LastFailure, DateTimeOffset? LastFailureAt)
{
    public static readonly ProviderHealthSnapshot Unknown = new(CircuitState.Closed, null, null, null);
}

/// <summary>
/// A read-only window on one provider's resilience pipeline, written by its breaker's callbacks (opened, half-opened,
/// closed) and by every outcome that counts as an outage. One per provider id, kept across settings changes (a new
/// pipeline starts with a closed breaker, which this then says).
/// </summary>
public sealed class ProviderHealth(TimeProvider time)
{
    private volatile ProviderHealthSnapshot _snapshot = ProviderHealthSnapshot.Unknown;

    public ProviderHealthSnapshot Snapshot => _snapshot;

    internal void SetCircuit(CircuitState state)
    {
        var now = time.GetUtcNow();
        Update(s => s.Circuit == state ? s : s with { Circuit = state, CircuitSince = now });
    }

    internal void RecordFailure(string description)
    {
        var now = time.GetUtcNow();
        Update(s => s with { LastFailure = description, LastFailureAt = now });
    }

    private void Update(Func<ProviderHealthSnapshot, ProviderHealthSnapshot> change)
    {
        while (true)
        {
            var current = _snapshot;
            var next = change(current);
            if (ReferenceEquals(current, next) || Interlocked.CompareExchange(ref _snapshot, next, current) == current)
                return;
        }
    }
}
