namespace BlazorCutout.Providers;

/// <summary>
/// One image service. Implementations are singletons, thread-safe and stateless per job: everything needed to resume
/// after a restart is the provider task id the pipeline persisted.
/// Errors: throw <see cref="ProviderException"/> (transient or permanent); a job the provider itself reports as failed
/// comes back as <see cref="ProviderPoll.Failed"/> instead.
/// </summary>
public interface ICutoutProvider
{
    ProviderDescriptor Descriptor { get; }

    /// <summary>Cheap, no network: configuration (key, public base URL) and what the provider learned (coins exhausted).</summary>
    ProviderAvailability GetAvailability();

    /// <summary>
    /// Starts the job. Remote clients send exactly one create request; the resilience layer retries a POST only when the
    /// provider certainly did not accept it (429, connection refused), so a charge is never doubled.
    /// </summary>
    Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken);

    /// <summary>Asks for the state of an accepted job. Safe to call any number of times.</summary>
    Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken);

    /// <summary>Turns a result reference into bytes: inline results as they are, remote ones through the URL guard with a size limit.</summary>
    Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken);
}
