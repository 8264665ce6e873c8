using BlazorCutout.Providers.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Providers;

/// <summary>
/// What an administrator can see and reset of what a provider learned about its account (coins exhausted, key refused).
/// Implemented by the remote clients and forwarded by <see cref="ReconfigurableProvider{TOptions}"/>.
/// </summary>
public interface IProviderAccountControl
{
    /// <summary>The account problem the provider currently remembers, or null.</summary>
    ProviderAvailability? AccountState { get; }

    /// <summary>An administrator topped up the coins or fixed the key: let submissions through again.</summary>
    void ClearAccountState();
}

/// <summary>
/// A remote provider whose settings can change while the app runs (an administrator edits them in the UI).
/// A provider instance stays an immutable snapshot of its options (descriptor, HTTP client, base URL); when
/// <see cref="IOptionsMonitor{TOptions}"/> reports a change, a new instance is built from the new options and swapped in
/// atomically. Calls already running finish on the instance they started with, which is disposed after a grace period.
/// What the old instance learned about the account is carried over only when the key and base URL did not change.
/// </summary>
public sealed class ReconfigurableProvider<TOptions> : ICutoutProvider, IProviderAccountControl, IProviderConnectionTest, IDisposable
    where TOptions : RemoteProviderOptions
{
    /// <summary>How long a replaced instance is kept for the calls still using it.</summary>
    public static TimeSpan RetireAfter { get; set; } = TimeSpan.FromMinutes(5);

    private readonly Func<TOptions, ICutoutProvider> _build;
    private readonly IDisposable? _subscription;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private volatile Snapshot _current;
    private bool _disposed;

    private sealed record Snapshot(ICutoutProvider Provider, Uri? BaseUrl, Secret? Key);

    public ReconfigurableProvider(IOptionsMonitor<TOptions> monitor, Func<TOptions, ICutoutProvider> build, ILogger? logger = null)
    {
        _build = build;
        _logger = logger ?? NullLogger.Instance;
        _current = Create(monitor.CurrentValue);
        _subscription = monitor.OnChange((options, name) =>
        {
            if (name is null || name == Options.DefaultName) Replace(options);
        });
    }

    /// <summary>The instance serving calls right now (tests and the admin page).</summary>
    public ICutoutProvider Current => _current.Provider;

    public ProviderDescriptor Descriptor => _current.Provider.Descriptor;

    public ProviderAvailability GetAvailability() => _current.Provider.GetAvailability();

    public Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken) =>
        _current.Provider.SubmitAsync(job, cancellationToken);

    public Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken) =>
        _current.Provider.PollAsync(providerTaskId, cancellationToken);

    public Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken) =>
        _current.Provider.FetchAsync(result, cancellationToken);

    public ProviderAvailability? AccountState => (_current.Provider as IProviderAccountControl)?.AccountState;

    public void ClearAccountState() => (_current.Provider as IProviderAccountControl)?.ClearAccountState();

    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) =>
        _current.Provider is IProviderConnectionTest test
            ? test.TestConnectionAsync(cancellationToken)
            : Task.FromResult(new ConnectionTestResult(ConnectionTestOutcome.NotOffered, $"{Descriptor.DisplayName} offers no connection test.", DateTimeOffset.UtcNow));

    private Snapshot Create(TOptions options) => new(_build(options), options.BaseUrl, options.ApiKey);

    private void Replace(TOptions options)
    {
        Snapshot next;
        Snapshot old;
        lock (_gate)
        {
            if (_disposed) return;
            try
            {
                next = Create(options);
            }
            catch (Exception e)
            {
                // Keep serving with the previous settings rather than losing the provider.
                _logger.LogError(e, "{Provider}: the changed settings could not be applied; the previous ones stay in use", _current.Provider.Descriptor.Id);
                return;
            }
            old = _current;
            _current = next;
        }
        _logger.LogInformation("{Provider}: settings changed; new requests use them", next.Provider.Descriptor.Id);
        // A new key or address deserves a fresh look; a changed price or pace does not make the coins come back.
        if (Equals(old.BaseUrl, next.BaseUrl) && Equals(old.Key, next.Key)
            && old.Provider is IProviderAccountStateSource source && next.Provider is IProviderAccountStateSource target)
            target.Account.CopyFrom(source.Account);
        Retire(old.Provider);
    }

    private static void Retire(ICutoutProvider provider)
    {
        if (provider is not IDisposable disposable) return;
        _ = Task.Delay(RetireAfter).ContinueWith(_ => disposable.Dispose(), TaskScheduler.Default);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _subscription?.Dispose();
        (_current.Provider as IDisposable)?.Dispose();
    }
}

/// <summary>A client that keeps its <see cref="ProviderAccountState"/> where a settings change can carry it over.</summary>
internal interface IProviderAccountStateSource
{
    ProviderAccountState Account { get; }
}
