using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BlazorCutout.Engine;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Secrets;
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
public sealed class TengrProvider : RemoteProvider<TengrOptions>
{
    public const string ProviderId = "tengr";

    private ProviderErrorCode _accountBlockCode = ProviderErrorCode.AuthenticationFailed;

    public TengrProvider(IOptions<TengrOptions> options, ProviderHttpClientFactory http, SafeDownloader downloader,
        ILogger<TengrProvider>? logger = null, TimeProvider? time = null)
        : base(options.Value, BuildDescriptor, http, downloader, logger, time, options.Value.AccountHoldFor)
    {
    }

    protected override bool HasPublicBaseUrl => Options.PublicBaseUrl is not null;

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
        Polling = new PollCadence(o.PollInitialDelay, o.PollInterval, o.PollBackoffFactor, o.PollMaxInterval, o.PollDeadline),
        Prices = o.PriceTableOr(PriceTable.Free with { Unit = o.PriceUnit }),
    };

    public override async Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken)
    {
        if (Account.Current() is { } blocked)
            throw new ProviderException(_accountBlockCode, $"{Descriptor.DisplayName}: {blocked.Reason}", isTransient: false, providerDetail: "account-state");

        var webhook = await WebhookAsync(job, cancellationToken).ConfigureAwait(false);
        var parameters = TengrParameters.Build(job, Options, webhook); // validates every documented range before sending
        using var request = Request(HttpMethod.Post, Options.CreatePath);
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(parameters, Json));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var what = $"Submitting to {Descriptor.DisplayName}";
        var (status, body, retryAfter) = await SendAsync(request, what, cancellationToken).ConfigureAwait(false);
        if (!IsSuccess(status)) throw Observe(MapError(status, body, retryAfter, what));
        var artwork = ReadArtwork(body);
        if (string.IsNullOrWhiteSpace(artwork?.Id))
            throw new ProviderException(ProviderErrorCode.ServerError,
                $"{Descriptor.DisplayName} accepted the request but its answer had no artwork id; the task was not resubmitted to avoid a second charge.",
                isTransient: false, providerDetail: Detail(body));

        Account.Clear();
        Logger.LogInformation("{Provider} accepted task {TaskId} as artwork {ArtworkId} ({Method}, webhook {Webhook})",
            ProviderId, job.TaskId, artwork.Id, parameters.Method, webhook is null ? "off" : "on");
        return new ProviderSubmission.Accepted(artwork.Id!); // 001 reports no cost: the configured price table applies
    }

    public override async Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, Options.PollPath.Replace("{id}", Uri.EscapeDataString(providerTaskId), StringComparison.Ordinal));
        var what = $"Checking the {Descriptor.DisplayName} artwork";
        var (status, body, retryAfter) = await SendAsync(request, what, cancellationToken).ConfigureAwait(false);
        if (!IsSuccess(status)) throw Observe(MapError(status, body, retryAfter, what));
        var artwork = ReadArtwork(body) ?? throw new ProviderException(ProviderErrorCode.ServerError,
            $"{Descriptor.DisplayName} answered in a way BlazorCutout could not read; it will be retried.", isTransient: true, providerDetail: Detail(body));
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

    public override async Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken)
    {
        if (result is ResultReference.Remote { ExpiresAt: { } expiresAt } && Time.GetUtcNow() >= expiresAt)
            throw Expired(null);
        try
        {
            return await ResultFetcher.FetchAsync(result, Downloader, Options.MaxResultBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException e) when (e.Code is ProviderErrorCode.NotFound or ProviderErrorCode.AuthenticationFailed)
        {
            throw Expired(e); // 401/403/404/410 on a signed result link: the link is gone, not our key
        }
    }

    private ProviderException Expired(Exception? inner) => new(ProviderErrorCode.NotFound,
        $"The {Descriptor.DisplayName} result is no longer available (its link expired; BlazorCutout downloads results at once). Submit the image again.",
        isTransient: false, inner: inner, providerDetail: (inner as ProviderException)?.ProviderDetail ?? "expired");

    /// <summary>TengrDecisions.WebhookOnlyWhenGuardAllows.</summary>
    private async Task<Uri?> WebhookAsync(ProviderJob job, CancellationToken ct)
    {
        if (!Options.UseCallbacks || job.CallbackUrl is not { } callback) return null;
        try
        {
            await Downloader.Guard.EnsureAllowedAsync(callback, ct).ConfigureAwait(false);
            return callback;
        }
        catch (UrlRefusedException e)
        {
            Logger.LogInformation("{Provider} webhook left out for task {TaskId}: {Reason} (polling finishes the task)", ProviderId, job.TaskId, e.Message);
            return null;
        }
    }

    // ---- HTTP plumbing ----

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        if (!Options.Enabled)
            throw new ProviderException(ProviderErrorCode.ProviderUnavailable, $"{Descriptor.DisplayName} is disabled in the configuration.", isTransient: false);
        var key = Options.ApiKey is { IsEmpty: false } k ? k : throw new ProviderException(ProviderErrorCode.ProviderMisconfigured,
            $"No API key is configured for {Descriptor.DisplayName}.", isTransient: false);
        var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private async Task<(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)> SendAsync(HttpRequestMessage request, string what, CancellationToken ct)
    {
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return (response.StatusCode, body, RetryAfterHeader.Read(response, Time.GetUtcNow()));
        }
        catch (ProviderException e)
        {
            throw Observe(e);
        }
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private ProviderException MapError(HttpStatusCode status, string body, TimeSpan? retryAfter, string what)
    {
        ErrorBody? error = null;
        if (!string.IsNullOrWhiteSpace(body))
            try { error = JsonSerializer.Deserialize<ErrorBody>(body, Json); }
            catch (JsonException) { }
        var message = error?.Text() is { Length: > 0 } m ? Detail(m) : null;
        return TengrErrors.FromStatus(status, message, retryAfter, what, Descriptor.DisplayName);
    }

    private ProviderException Observe(ProviderException e)
    {
        if (e.Code is ProviderErrorCode.CoinsExhausted or ProviderErrorCode.AuthenticationFailed)
        {
            _accountBlockCode = e.Code;
            Account.Observe(e);
            Logger.LogWarning("{Provider} account problem: {Code} ({Detail}); submissions stop until an admin clears it or {Hold} passes",
                ProviderId, e.Code, e.ProviderDetail, Options.AccountHoldFor);
        }
        return e;
    }

    private string ErrorDetail(Artwork a) => a.Error is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } e ? ", error=" + Detail(e.ToString()) : "";
}
