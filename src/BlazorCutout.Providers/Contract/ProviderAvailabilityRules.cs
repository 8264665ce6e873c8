namespace BlazorCutout.Providers;

/// <summary>
/// The availability reasons remote providers share, in the order a user should fix them, so every client words them alike.
/// </summary>
public static class ProviderAvailabilityRules
{
    public static ProviderAvailability Evaluate(ProviderDescriptor descriptor, RemoteProviderOptions options, bool hasPublicBaseUrl, ProviderAccountState account)
    {
        if (!options.Enabled)
            return ProviderAvailability.Unavailable($"{descriptor.DisplayName} is disabled in the configuration.");
        if (options.ApiKey is null || options.ApiKey.IsEmpty)
            return ProviderAvailability.Unavailable($"No API key is configured for {descriptor.DisplayName}.");
        if (descriptor.NeedsPublicUrlForUploads && !hasPublicBaseUrl)
            return ProviderAvailability.Unavailable(
                $"{descriptor.DisplayName} only fetches images from a URL: it needs a public base URL for BlazorCutout to be configured.");
        return account.Current() ?? ProviderAvailability.Available;
    }
}

/// <summary>
/// What a provider learned about its account from answers (402 coins exhausted, 401 key refused), so the picker says so
/// instead of letting every user hit the same wall. Clears itself after <see cref="HoldFor"/> so a top-up is noticed.
/// Thread-safe; one per provider instance.
/// </summary>
public sealed class ProviderAccountState(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private volatile Entry? _entry;

    private sealed record Entry(ProviderErrorCode Code, string Reason, DateTimeOffset Until);

    public TimeSpan HoldFor { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Call with every <see cref="ProviderException"/> a request produced; remembers only account-level ones.</summary>
    public void Observe(ProviderException e)
    {
        var reason = e.Code switch
        {
            ProviderErrorCode.CoinsExhausted => "The account has run out of coins; an administrator must top it up.",
            ProviderErrorCode.AuthenticationFailed => "The API key was refused; an administrator must check it.",
            _ => null,
        };
        if (reason is not null) _entry = new Entry(e.Code, reason, _time.GetUtcNow() + HoldFor);
    }

    /// <summary>Call after a successful request: the account works again.</summary>
    public void Clear() => _entry = null;

    /// <summary>Takes over what another instance learned (a provider rebuilt with changed settings, same account).</summary>
    public void CopyFrom(ProviderAccountState other) => _entry = other._entry;

    public ProviderAvailability? Current() => Held() is { } entry ? ProviderAvailability.Unavailable(entry.Reason) : null;

    /// <summary>
    /// What a submission gets while the account is held: the code of the answer that caused it (so "coins exhausted"
    /// and "key refused" stay apart), for a client that sends nothing rather than hit the same wall again.
    /// </summary>
    public ProviderException? Refusal(string service) => Held() is { } entry
        ? new ProviderException(entry.Code, $"{service}: {entry.Reason}", isTransient: false, providerDetail: "account-state")
        : null;

    private Entry? Held()
    {
        var entry = _entry;
        return entry is not null && _time.GetUtcNow() < entry.Until ? entry : null;
    }
}
