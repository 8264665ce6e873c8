using System.Net;
using System.Text.Json;
using BlazorCutout.Engine;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static BlazorCutout.Providers.HitPaw.HitPawWire;

namespace BlazorCutout.Providers.HitPaw;

/// <summary>
/// HitPaw image segmentation (seed 003): <c>POST /api/image-segmentation {file_url}</c> → job_id + consume_coins, then
/// <c>POST /api/task-status {job_id}</c> every 2–5 s until COMPLETED (res_url + mask_url, valid 8 days) or ERROR.
/// JSON, <c>Apikey</c> header. URL-only: the source must reach HitPaw as BlazorCutout's signed public URL.
/// Thread-safe singleton; the only state it keeps is what it learned about the account (coins exhausted, key refused).
/// </summary>
public sealed class HitPawProvider : RemoteProvider<HitPawOptions, IHitPawApi>
{
    public const string ProviderId = "hitpaw";
    /// <summary>003 reports <c>consume_coins</c>: the reported cost is always in coins.</summary>
    public const string CoinUnit = "coins";

    private readonly JsonApiClient<IHitPawApi> _api;

    public HitPawProvider(IOptions<HitPawOptions> options, ProviderHttpClientFactory http, SafeDownloader downloader,
        ILogger<HitPawProvider>? logger = null, TimeProvider? time = null)
        : base(options.Value, BuildDescriptor, http, downloader, logger, time)
    {
        _api = new JsonApiClient<IHitPawApi>(() => Api, Options, Descriptor, Account, Logger, Time);
    }

    protected override JsonSerializerOptions JsonOptions => Json;

    public static ProviderDescriptor BuildDescriptor(HitPawOptions o) => new()
    {
        Id = ProviderId,
        DisplayName = o.DisplayName,
        Operations = new HashSet<ProviderOperation> { ProviderOperation.RemoveBackground },
        Inputs = ProviderInputs.Url,
        Options = new SupportedOptions
        {
            // Both files always come back (HitPawDecisions.ReturnBothResults): any of the three choices can be honoured.
            Outputs = new HashSet<OutputKind> { OutputKind.Image, OutputKind.Mask, OutputKind.ImageAndMask },
            Formats = new HashSet<OutputFormat> { OutputFormat.Png },
            Callback = false, // 003 has no callback: polling only
        },
        Limits = HitPawDecisions.AssumedLimits,
        Rate = o.RateOr(HitPawDecisions.AssumedRate),
        Polling = o.PollCadence(),
        Prices = o.PriceTableOr(PriceTable.Free with { Unit = CoinUnit }),
        ReportsCost = true,
    };

    public override async Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken)
    {
        if (job.Operation != ProviderOperation.RemoveBackground)
            throw new ProviderException(ProviderErrorCode.UnsupportedOperation,
                $"{Descriptor.DisplayName} only removes backgrounds.", isTransient: false);
        if (Account.Refusal(Descriptor.DisplayName) is { } refused)
            throw refused; // nothing is sent: every further submission would hit the same wall (and the same 402)
        var fileUrl = job.Source.PublicUrl ?? throw new ProviderException(ProviderErrorCode.InputNotAccepted,
            $"{Descriptor.DisplayName} only fetches images from a URL, and no public URL of this image is available " +
            "(BlazorCutout needs a configured public base URL).", isTransient: false);

        var answer = await _api.SendAsync((api, key) => api.SubmitAsync(key, new SubmitRequest(fileUrl.AbsoluteUri), cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var envelope = Read<SubmitData>(answer.Body);
        if (!answer.IsSuccess || IsBodyError(envelope))
            throw _api.Observe(MapError(answer, envelope, $"Submitting to {Descriptor.DisplayName}"));
        if (string.IsNullOrWhiteSpace(envelope?.Data?.JobId))
            throw new ProviderException(ProviderErrorCode.ServerError,
                $"{Descriptor.DisplayName} accepted the request but its answer had no job id; the task was not resubmitted to avoid a second charge.",
                isTransient: !HitPawDecisions.UnreadableSubmitAnswerIsPermanent, providerDetail: Detail(answer.Body));

        Account.Clear(); // a submission got through: the coins and the key work
        var data = envelope.Data!;
        var cost = data.ConsumeCoins is { } coins ? new ProviderCost(coins, CoinUnit) : (ProviderCost?)null;
        Logger.LogInformation("{Provider} accepted task {TaskId} as job {JobId} (cost {Cost})", ProviderId, job.TaskId, data.JobId, cost);
        return new ProviderSubmission.Accepted(data.JobId!, cost);
    }

    /// <summary>A status query of an unknown task: it only reads, so it charges nothing (docs/provider-status.md).</summary>
    public override Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) =>
        QueryUnknownTaskAsync("POST /api/task-status", cancellationToken);

    public override async Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken)
    {
        // Marked retry-safe by the interface: it only reads, so repeating it cannot charge.
        var answer = await _api.SendAsync((api, key) => api.StatusAsync(key, new StatusRequest(providerTaskId), cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var envelope = Read<StatusData>(answer.Body);
        if (!answer.IsSuccess || IsBodyError(envelope))
            throw _api.Observe(MapError(answer, envelope, $"Checking the {Descriptor.DisplayName} job"));
        var data = envelope?.Data ?? throw new ProviderException(ProviderErrorCode.ServerError,
            $"{Descriptor.DisplayName} answered the status request in a way BlazorCutout could not read; it will be retried.",
            isTransient: true, providerDetail: Detail(answer.Body));
        return MapStatus(providerTaskId, data);
    }

    /// <summary>003's three states.</summary>
    private ProviderPoll MapStatus(string jobId, StatusData data)
    {
        switch (data.Status?.Trim().ToUpperInvariant())
        {
            case HitPawStatus.Converting:
                return new ProviderPoll.Progress(null); // 003 reports no percentage
            case HitPawStatus.Completed:
                var expires = Time.GetUtcNow() + Options.ResultLifetime;
                var results = new List<ResultReference>(2);
                if (TryResultUrl(data.ResUrl) is { } image) results.Add(new ResultReference.Remote(ResultRole.Image, 0, image, expires));
                if (HitPawDecisions.ReturnBothResults && TryResultUrl(data.MaskUrl) is { } mask)
                    results.Add(new ResultReference.Remote(ResultRole.Mask, 0, mask, expires));
                if (results.Count == 0)
                    return new ProviderPoll.Failed(ProviderErrorCode.ServerError,
                        $"{Descriptor.DisplayName} reported the job as completed but gave no result file.", Retryable: true,
                        ProviderDetail: $"status={HitPawStatus.Completed}, no res_url/mask_url");
                return new ProviderPoll.Done(results); // cost was reported at submission (consume_coins)
            case HitPawStatus.Error:
                return new ProviderPoll.Failed(ProviderErrorCode.ProviderFailed,
                    $"{Descriptor.DisplayName} could not process this image (the job ended in ERROR). Try another image or provider.",
                    Retryable: HitPawDecisions.ErrorStatusIsRetryable, ProviderDetail: $"status={HitPawStatus.Error}");
            default:
                Logger.LogWarning("{Provider} job {JobId} has an undocumented status {Status}; treated as in progress", ProviderId, jobId, data.Status);
                return HitPawDecisions.UnknownStatusMeansInProgress
                    ? new ProviderPoll.Progress(null)
                    : new ProviderPoll.Failed(ProviderErrorCode.ServerError, $"{Descriptor.DisplayName} reported an unknown state.", true, $"status={data.Status}");
        }
    }

    public override Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken) =>
        ResultFetcher.FetchUnexpiredAsync(result, Downloader, Options.MaxResultBytes, Time, Expired, cancellationToken);

    private ProviderException Expired(ProviderException? inner) => new(ProviderErrorCode.NotFound,
        $"The {Descriptor.DisplayName} result is no longer available (its link expired; {Descriptor.DisplayName} keeps results for " +
        $"{Options.ResultLifetime.TotalDays:0.#} days and BlazorCutout downloads them at once). Submit the image again.",
        isTransient: false, inner: inner, providerDetail: inner?.ProviderDetail ?? "expired");

    // ---- reading answers ----

    private static Envelope<T>? Read<T>(string body) where T : class
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try { return JsonSerializer.Deserialize<Envelope<T>>(body, Json); }
        catch (JsonException) { return null; }
    }

    private static bool IsBodyError<T>(Envelope<T>? envelope) where T : class =>
        HitPawDecisions.BodyCodeWinsOverHttpStatus && envelope?.Code is { } code && code != 200;

    /// <summary>003's error-code table first, then (for codes it does not list) the status encoded in the code, then the HTTP status.</summary>
    private ProviderException MapError<T>(JsonAnswer answer, Envelope<T>? envelope, string what) where T : class
    {
        var (status, retryAfter) = (answer.Status, answer.RetryAfter);
        if (envelope?.Code is { } code and not 200)
        {
            if (HitPawErrors.FromCode(code, retryAfter) is { } known) return known;
            // Decision: HitPaw codes embed the HTTP status in digits 4-6 (100 400 001 → 400, 110 402 000 → 402).
            var embedded = (int)(code / 1000 % 1000);
            var effective = embedded is >= 400 and < 600 ? (HttpStatusCode)embedded : answer.IsSuccess ? HttpStatusCode.BadGateway : status;
            return HttpErrorClassifier.FromStatus(effective, what, retryAfter, $"code={code} {Detail(envelope.Message)}".TrimEnd());
        }
        if (status == HttpStatusCode.PaymentRequired) return HitPawErrors.FromCode(HitPawErrors.CoinsNotEnough)!;
        return HttpErrorClassifier.FromStatus(status, what, retryAfter, $"http={(int)status} {Detail(answer.Body)}".TrimEnd());
    }

    private static Uri? TryResultUrl(string? value) =>
        !string.IsNullOrWhiteSpace(value) && Uri.TryCreate(value, UriKind.Absolute, out var u) ? u : null;
}
