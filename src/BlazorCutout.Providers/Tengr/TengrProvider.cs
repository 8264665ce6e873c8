using System.Text.Json;
using BlazorCutout.Engine;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static BlazorCutout.Providers.Tengr.TengrWire;

namespace BlazorCutout.Providers.Tengr;

/// <summary>
/// Tengr.ai segmentation (seed 001): <c>POST /v2/artworks/segmentation</c> (JSON, Bearer) → 202 with the artwork, then
/// <c>GET /v2/artworks/{id}</c> until succeeded (results = mask URLs), failed or canceled. Segment by text prompt or by
/// points; URL-only (the source reaches Tengr as BlazorCutout's signed public URL); optional webhook (polling regardless).
/// </summary>
public sealed class TengrProvider : RemoteProvider<TengrOptions, ITengrApi>
{
    public const string ProviderId = "tengr";

    private readonly JsonApiClient<ITengrApi> _api;

    public TengrProvider(IOptions<TengrOptions> options, ProviderHttpClientFactory http, SafeDownloader downloader,
        ILogger<TengrProvider>? logger = null, TimeProvider? time = null)
        : base(options.Value, BuildDescriptor, http, downloader, logger, time)
    {
        _api = new JsonApiClient<ITengrApi>(() => Api, Options, Descriptor, Account, Logger, Time);
    }

    protected override JsonSerializerOptions JsonOptions => Json;

    public static ProviderDescriptor BuildDescriptor(TengrOptions o) => new()
    {
        Id = ProviderId,
        DisplayName = o.DisplayName,
        Operations = new HashSet<ProviderOperation> { ProviderOperation.SegmentByText, ProviderOperation.SegmentByPoints },
        Inputs = ProviderInputs.Url,
        Options = new SupportedOptions
        {
            Outputs = new HashSet<OutputKind> { OutputKind.Mask }, // TengrDecisions.ResultsRole
            Formats = new HashSet<OutputFormat> { OutputFormat.Png, OutputFormat.Webp },
            MaskPostProcessing = true,
            Callback = true,
        },
        Limits = TengrDecisions.AssumedLimits,
        Rate = o.RateOr(TengrDecisions.AssumedRate),
        Polling = o.PollCadence(),
        Prices = o.PriceTableOr(PriceTable.Free with { Unit = o.PriceUnit }),
    };

    public override async Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken)
    {
        if (Account.Refusal(Descriptor.DisplayName) is { } refused)
            throw refused; // nothing is sent: every further submission would hit the same wall

        var webhook = await WebhookAsync(job, cancellationToken).ConfigureAwait(false);
        var parameters = TengrParameters.Build(job, Options, webhook); // validates every documented range before sending
        var answer = await _api.SendAsync((api, key) => api.CreateAsync(key, parameters, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!answer.IsSuccess) throw _api.Observe(MapError(answer, $"Submitting to {Descriptor.DisplayName}"));
        var artwork = ReadArtwork(answer.Body);
        if (string.IsNullOrWhiteSpace(artwork?.Id))
            throw new ProviderException(ProviderErrorCode.ServerError,
                $"{Descriptor.DisplayName} accepted the request but its answer had no artwork id; the task was not resubmitted to avoid a second charge.",
                isTransient: false, providerDetail: Detail(answer.Body));

        Account.Clear();
        Logger.LogInformation("{Provider} accepted task {TaskId} as artwork {ArtworkId} ({Method}, webhook {Webhook})",
            ProviderId, job.TaskId, artwork.Id, parameters.Method, webhook is null ? "off" : "on");
        return new ProviderSubmission.Accepted(artwork.Id!); // 001 reports no cost: the configured price table applies
    }

    public override async Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken)
    {
        var path = PollPath(Options.PollPath, "{id}", providerTaskId);
        var answer = await _api.SendAsync((api, key) => api.GetAsync(key, path, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!answer.IsSuccess) throw _api.Observe(MapError(answer, $"Checking the {Descriptor.DisplayName} artwork"));
        var artwork = ReadArtwork(answer.Body) ?? throw new ProviderException(ProviderErrorCode.ServerError,
            $"{Descriptor.DisplayName} answered in a way BlazorCutout could not read; it will be retried.", isTransient: true, providerDetail: Detail(answer.Body));
        return MapArtwork(artwork);
    }

    /// <summary>
    /// 001's states. Public so a webhook receiver can turn the POSTed artwork into the same answer a poll gives
    /// (<see cref="ReadArtwork"/> then this); the worker still polls, a webhook only makes it sooner.
    /// </summary>
    public ProviderPoll MapArtwork(Artwork artwork)
    {
        switch (artwork.Status?.Trim().ToLowerInvariant())
        {
            case TengrStatus.Starting:
            case TengrStatus.Processing:
                return new ProviderPoll.Progress(null); // 001 reports no percentage
            case TengrStatus.Succeeded:
                var expires = TengrDecisions.ResultLifetime is { } life ? Time.GetUtcNow() + life : (DateTimeOffset?)null;
                var results = (artwork.Results ?? [])
                    .Select(u => !string.IsNullOrWhiteSpace(u) && Uri.TryCreate(u, UriKind.Absolute, out var url) ? url : null)
                    .Where(u => u is not null)
                    .Select((u, i) => (ResultReference)new ResultReference.Remote(TengrDecisions.ResultsRole, i, u!, expires))
                    .ToList();
                return results.Count > 0
                    ? new ProviderPoll.Done(results)
                    : new ProviderPoll.Failed(ProviderErrorCode.ServerError,
                        $"{Descriptor.DisplayName} reported the segmentation as succeeded but returned no result.", Retryable: true,
                        ProviderDetail: "status=succeeded, results empty");
            case TengrStatus.Failed:
                return new ProviderPoll.Failed(ProviderErrorCode.ProviderFailed,
                    $"{Descriptor.DisplayName} could not segment this image (the artwork failed). Try other points, another prompt or another provider.",
                    TengrDecisions.FailedIsRetryable, $"status=failed{ErrorDetail(artwork)}");
            case TengrStatus.Canceled:
                return new ProviderPoll.Failed(ProviderErrorCode.ProviderFailed,
                    $"{Descriptor.DisplayName} canceled the segmentation before it finished. Submitting it again may work.",
                    TengrDecisions.CanceledIsRetryable, $"status=canceled{ErrorDetail(artwork)}");
            default:
                Logger.LogWarning("{Provider} artwork {ArtworkId} has an undocumented status {Status}; treated as in progress", ProviderId, artwork.Id, artwork.Status);
                return TengrDecisions.UnknownStatusMeansInProgress
                    ? new ProviderPoll.Progress(null)
                    : new ProviderPoll.Failed(ProviderErrorCode.ServerError, $"{Descriptor.DisplayName} reported an unknown state.", true, $"status={artwork.Status}");
        }
    }

    public static Artwork? ReadArtwork(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try { return JsonSerializer.Deserialize<Artwork>(body, Json); }
        catch (JsonException) { return null; }
    }

    public override Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken) =>
        ResultFetcher.FetchUnexpiredAsync(result, Downloader, Options.MaxResultBytes, Time, Expired, cancellationToken);

    private ProviderException Expired(ProviderException? inner) => new(ProviderErrorCode.NotFound,
        $"The {Descriptor.DisplayName} result is no longer available (its link expired; BlazorCutout downloads results at once). Submit the image again.",
        isTransient: false, inner: inner, providerDetail: inner?.ProviderDetail ?? "expired");

    /// <summary>TengrDecisions.WebhookOnlyWhenHttpsOnAPublicHost.</summary>
    private async Task<Uri?> WebhookAsync(ProviderJob job, CancellationToken ct)
    {
        if (!Options.UseCallbacks || job.CallbackUrl is not { } callback) return null;
        if (await Downloader.Guard.IsPublicHttpsAsync(callback, ct).ConfigureAwait(false))
            return callback;
        Logger.LogInformation("{Provider} webhook left out for task {TaskId}: {Host} is not https on a public host, which {Service} requires (polling finishes the task)",
            ProviderId, job.TaskId, callback.Host, Descriptor.DisplayName);
        return null;
    }

    private ProviderException MapError(JsonAnswer answer, string what)
    {
        ErrorBody? error = null;
        if (!string.IsNullOrWhiteSpace(answer.Body))
            try { error = JsonSerializer.Deserialize<ErrorBody>(answer.Body, Json); }
            catch (JsonException) { }
        var message = error?.Text() is { Length: > 0 } m ? Detail(m) : null;
        return TengrErrors.FromStatus(answer.Status, message, answer.RetryAfter, what, Descriptor.DisplayName);
    }

    private string ErrorDetail(Artwork a) => a.Error is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } e ? ", error=" + Detail(e.ToString()) : "";
}
