using System.Text.Json;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorCutout.Providers;

/// <summary>
/// The wiring every remote client shares: its options snapshot, the descriptor built from them, the guarded downloader,
/// logger and clock, what it learned about the account (<see cref="ProviderAccountState"/>, carried over by
/// <see cref="ReconfigurableProvider{TOptions}"/>) and one lazily created resilient client: the service's Refit
/// interface <typeparamref name="TApi"/> over an <see cref="HttpClient"/> from <see cref="ProviderHttpClientFactory"/>.
/// Wire formats, error mapping and the decision to refuse a submission while the account is held stay in the clients
/// (HitPaw and Tengr send through <see cref="JsonApiClient"/>, PicWish and gpt.ge through <c>EnvelopeClient</c>).
/// </summary>
public abstract class RemoteProvider<TOptions, TApi> : ICutoutProvider, IProviderAccountControl, IProviderAccountStateSource, IProviderConnectionTest, IDisposable
    where TOptions : RemoteProviderOptions
    where TApi : class
{
    private readonly Lazy<HttpClient> _http;
    private readonly Lazy<TApi> _api;

    protected RemoteProvider(TOptions options, Func<TOptions, ProviderDescriptor> describe, ProviderHttpClientFactory httpClients,
        SafeDownloader downloader, ILogger? logger, TimeProvider? time)
    {
        Options = options;
        Downloader = downloader;
        Logger = logger ?? NullLogger.Instance;
        Time = time ?? TimeProvider.System;
        Account = new ProviderAccountState(Time) { HoldFor = options.AccountHoldFor };
        Descriptor = describe(options);
        // Created on first use: a refused or missing base URL must fail this provider's jobs, not the whole registry.
        _http = new Lazy<HttpClient>(() => httpClients.CreateClient(Descriptor, BaseAddress(), Resilience()),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _api = new Lazy<TApi>(() => ProviderHttpClientFactory.CreateApi<TApi>(_http.Value, JsonOptions), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ProviderDescriptor Descriptor { get; }

    protected TOptions Options { get; }
    protected SafeDownloader Downloader { get; }
    protected ILogger Logger { get; }
    protected TimeProvider Time { get; }
    protected ProviderAccountState Account { get; }

    /// <summary>The service's Refit client, created through <see cref="ProviderHttpClientFactory"/> on first use (a refused base URL throws here).</summary>
    protected TApi Api => _api.Value;

    /// <summary>The service's JSON conventions for request bodies; null: the web defaults (PicWish and gpt.ge send forms only).</summary>
    protected virtual JsonSerializerOptions? JsonOptions => null;

    protected string Name => Descriptor.DisplayName;

    ProviderAccountState IProviderAccountStateSource.Account => Account;

    /// <summary>What the answers taught us about the account (read-only view for the admin page).</summary>
    public ProviderAvailability? AccountState => Account.Current();

    /// <summary>An administrator topped up the account or fixed the key: let submissions through again.</summary>
    public void ClearAccountState() => Account.Clear();

    public ProviderAvailability GetAvailability() =>
        ProviderAvailabilityRules.Evaluate(Descriptor, Options, Options.PublicBaseUrl is not null, Account);

    /// <summary>
    /// The API root the HTTP client is created with. Default: the configured <see cref="RemoteProviderOptions.BaseUrl"/>,
    /// required, with a trailing slash so relative paths append to it.
    /// </summary>
    protected virtual Uri BaseAddress()
    {
        var baseUrl = Options.BaseUrl ?? throw new ProviderException(ProviderErrorCode.ProviderMisconfigured,
            $"No base URL is configured for {Descriptor.DisplayName}.", isTransient: false);
        if (!baseUrl.AbsoluteUri.EndsWith('/')) baseUrl = new Uri(baseUrl.AbsoluteUri + "/");
        return baseUrl;
    }

    /// <summary>
    /// A configured polling path with the task id filled in, for a Refit <c>{**path}</c> route (which escapes each
    /// segment). The id must not split into segments: an id holding '/' is refused rather than sent to another path.
    /// </summary>
    protected string PollPath(string template, string placeholder, string taskId)
    {
        if (taskId.Contains('/') || taskId.Contains('?') || taskId.Contains('#'))
            throw new ProviderException(ProviderErrorCode.ServerError,
                $"{Descriptor.DisplayName} gave a task id BlazorCutout cannot put in its polling path.", isTransient: false, providerDetail: "bad-task-id");
        return template.Replace(placeholder, taskId, StringComparison.Ordinal).TrimStart('/');
    }

    /// <summary>The retry and timeout settings of the HTTP client. Default: the configured <see cref="RemoteProviderOptions.Resilience"/>.</summary>
    protected virtual ProviderResilienceOptions Resilience() => Options.Resilience;

    public abstract Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken);

    public abstract Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken);

    public abstract Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken);

    /// <summary>
    /// Default: the service documents no call that costs nothing, so none is made and the admin page says so. A client
    /// whose service documents one overrides this (usually with <see cref="QueryUnknownTaskAsync"/>).
    /// </summary>
    public virtual Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ConnectionTestResult(ConnectionTestOutcome.NotOffered,
            $"{Name} documents no call that costs nothing, so there is no connection test; its first task shows whether the key works.",
            Time.GetUtcNow()));

    /// <summary>
    /// The connection test of a service whose status query only reads: ask for a task that cannot exist. The documented
    /// "no such task" answer proves the address and the key (the key is checked first); "key not valid" is a refusal;
    /// anything else (no connection, a timeout, a 5xx, an open circuit) is a failure with its own message. See
    /// docs/provider-status.md.
    /// </summary>
    /// <param name="call">The call made, for the message: "GET /api/tasks/visual/segmentation/{id}".</param>
    protected async Task<ConnectionTestResult> QueryUnknownTaskAsync(string call, CancellationToken cancellationToken)
    {
        var unknown = "blazorcutout-connection-test-" + Guid.NewGuid().ToString("N");
        ConnectionTestResult Result(ConnectionTestOutcome outcome, string message) => new(outcome, message, Time.GetUtcNow());
        try
        {
            await PollAsync(unknown, cancellationToken).ConfigureAwait(false);
            return Result(ConnectionTestOutcome.KeyAccepted, $"{Name} answered {call} for a task that does not exist: reachable, key accepted.");
        }
        catch (ProviderException e) when (e.Code is ProviderErrorCode.NotFound or ProviderErrorCode.InvalidInput)
        {
            return Result(ConnectionTestOutcome.KeyAccepted,
                $"{Name} answered {call} with \"no such task\", as documented: reachable, key accepted. Nothing was charged.");
        }
        catch (ProviderException e) when (e.Code is ProviderErrorCode.AuthenticationFailed)
        {
            return Result(ConnectionTestOutcome.KeyRefused, e.Message);
        }
        catch (UrlRefusedException e)
        {
            return Result(ConnectionTestOutcome.Failed, $"The configured {Name} address is not allowed: {e.Message}");
        }
        catch (ProviderException e)
        {
            return Result(ConnectionTestOutcome.Failed, e.Message);
        }
    }

    public void Dispose()
    {
        if (_http.IsValueCreated) _http.Value.Dispose();
    }

    private const int MaxDetailLength = 300;

    /// <summary>The service's own words for logs and the admin view: the key masked, length bounded.</summary>
    protected string Detail(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        text = Redactor.RedactSecrets(text, Options.ApiKey);
        return text.Length <= MaxDetailLength ? text : text[..MaxDetailLength] + "…";
    }
}
