using BlazorCutout.Providers;

namespace BlazorCutout.Bench;

/// <summary>A synchronous provider that answers at once with a fixed PNG: whatever time a task takes is the pipeline's.</summary>
internal sealed class InstantProvider(byte[] result, int concurrency) : ICutoutProvider
{
    public const string Id = "bench-instant";

    public ProviderDescriptor Descriptor { get; } = new()
    {
        Id = Id,
        DisplayName = "Bench (instant)",
        Operations = new HashSet<ProviderOperation> { ProviderOperation.RemoveBackground },
        Inputs = ProviderInputs.File,
        Options = new SupportedOptions(),
        Limits = new ProviderLimits(),
        Rate = ProviderRate.Unlimited(concurrency),
        Polling = PollCadence.None,
        Prices = new PriceTable("coins", new Dictionary<ProviderOperation, OperationPrice> { [ProviderOperation.RemoveBackground] = new(PerImage: 1m) }),
        IsSynchronous = true,
    };

    public ProviderAvailability GetAvailability() => ProviderAvailability.Available;

    public Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken) =>
        Task.FromResult<ProviderSubmission>(new ProviderSubmission.Completed(
            new ProviderPoll.Done([new ResultReference.Inline(ResultRole.Image, 0, result, "image/png")])));

    public Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken) =>
        throw new ProviderException(ProviderErrorCode.NotFound, "Nothing to poll.", isTransient: false);

    public Task<DownloadedContent> FetchAsync(ResultReference reference, CancellationToken cancellationToken) =>
        ResultFetcher.FetchAsync(reference, downloader: null, long.MaxValue, cancellationToken);
}
