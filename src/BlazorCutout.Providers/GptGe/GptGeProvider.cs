using System.Globalization;
using System.Text.Json;
using BlazorCutout.Engine;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Providers.GptGe;

/// <summary>
/// The gpt.ge reseller: cut-out (seed 000, <c>POST /task/pic/segmentation</c>) and AI background generation (seed 002,
/// <c>POST /task/pic/background</c>, prompt + <c>batch_size</c> 1–4), multipart with <c>Authorization: Bearer</c>, polled with
/// <c>GET /task/{task_id}</c> (configurable). It resells PicWish: the envelope, the state codes and the status table are
/// PicWish's (<see cref="PicWishStates"/>); timestamps are numbers here (both accepted).
/// </summary>
public sealed class GptGeProvider : RemoteProvider<GptGeOptions, IGptGeApi>
{
    public const string ProviderId = "gptge";

    /// <summary>DECISION: gpt.ge reports no charge; 1 credit per cut-out and 1 per generated background (002: "pricing scales with quantity").</summary>
    public static PriceTable DefaultPrices { get; } = new("credits", new Dictionary<ProviderOperation, OperationPrice>
    {
        [ProviderOperation.RemoveBackground] = new(PerImage: 1),
        [ProviderOperation.GenerateBackground] = new(PerBatchItem: 1),
    });

    private readonly EnvelopeClient<IGptGeApi> _client;

    public GptGeProvider(IOptions<GptGeOptions> options, ProviderHttpClientFactory httpClients, SafeDownloader downloader,
        ILogger<GptGeProvider>? logger = null, TimeProvider? time = null)
        : base(options.Value, BuildDescriptor, httpClients, downloader, logger, time)
    {
        _client = new EnvelopeClient<IGptGeApi>(() => Api, () => Options.ApiKey, Account, Logger, ProviderId, Options.DisplayName);
    }

    protected override Uri BaseAddress() => Options.BaseUrl ?? GptGeOptions.DefaultBaseUrl;

    protected override ProviderResilienceOptions Resilience() => PicWishProvider.ResilienceFor(Options, Options.UseSync);

    public static ProviderDescriptor BuildDescriptor(GptGeOptions o) => new()
    {
        Id = ProviderId,
        DisplayName = o.DisplayName,
        Operations = new HashSet<ProviderOperation> { ProviderOperation.RemoveBackground, ProviderOperation.GenerateBackground },
        Inputs = ProviderInputs.File | ProviderInputs.Url,
        Options = new SupportedOptions
        {
            Outputs = new HashSet<OutputKind> { OutputKind.Image, OutputKind.Mask, OutputKind.ImageAndMask },
            Formats = new HashSet<OutputFormat> { OutputFormat.Png, OutputFormat.Jpg },
            SubjectType = true,
            Crop = true,
            BackgroundColor = true, // with JPG only, as PicWish
            BackgroundImage = false, // 000 has no bg_image_* fields
            MaskPostProcessing = false,
            Callback = true,
            MaxBatchSize = JobOptions.MaxBatchSize,
        },
        // DECISION: the seeds give no limits for gpt.ge; those of the service it resells (004) apply.
        Limits = new ProviderLimits
        {
            MaxBytes = 20L * 1024 * 1024,
            MaxBytesByUrl = 30L * 1024 * 1024,
            MaxPixelsPerSide = 4096,
            AcceptedFormats = PicWishProvider.AcceptedFormats,
        },
        // DECISION: no documented QPS; PicWish's default (2/s) since the reseller forwards to it.
        Rate = o.RateOr(new ProviderRate(2, 4)),
        Polling = o.PollCadence(),
        Prices = o.PriceTableOr(DefaultPrices),
        IsSynchronous = o.UseSync,
    };

    public override async Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken)
    {
        var batch = job.Operation switch
        {
            ProviderOperation.RemoveBackground => (int?)null,
            ProviderOperation.GenerateBackground => job.Options.BatchSize,
            _ => throw new ProviderException(ProviderErrorCode.UnsupportedOperation, $"{Name} can remove or generate backgrounds only.", false),
        };
        Func<IGptGeApi, string, Task<HttpResponseMessage>> send;
        if (job.Operation == ProviderOperation.GenerateBackground)
        {
            var f = BuildBackgroundForm(job, Options.UseSync);
            var callback = CallbackUrl(job);
            send = (api, key) => api.GenerateBackgroundAsync(key, f.Image.File, f.Image.Url, f.BatchSize, f.Prompt, f.Sync, callback, cancellationToken);
        }
        else
        {
            var f = BuildCutoutForm(job, Options.UseSync);
            var callback = CallbackUrl(job);
            send = (api, key) => api.SegmentAsync(key, f.Image.File, f.Image.Url, f.Sync, f.Type, f.OutputType, f.Crop, f.Format, f.BackgroundColor,
                callback, cancellationToken);
        }
        var envelope = await _client.SendAsync(send, "Submitting to " + Name, cancellationToken).ConfigureAwait(false);
        var data = envelope.Data ?? throw _client.Unreadable("no data");
        var taskId = PicWishWire.Text(data, "task_id");
        var id = new GptGeTaskId(taskId ?? "", batch);

        if (!Options.UseSync || PicWishWire.Int(data, "state") is null)
        {
            if (string.IsNullOrEmpty(taskId)) throw _client.Unreadable("no task_id");
            Logger.LogInformation("{Provider} accepted task {ProviderTaskId} for {TaskId}", ProviderId, taskId, job.TaskId);
            return new ProviderSubmission.Accepted(id.ToString());
        }
        switch (Interpret(data, batch))
        {
            case ProviderPoll.Done done:
                return new ProviderSubmission.Completed(done);
            case ProviderPoll.Failed failed:
                throw new ProviderException(failed.Code, failed.UserMessage, failed.Retryable, providerDetail: failed.ProviderDetail);
            default:
                if (string.IsNullOrEmpty(taskId)) throw _client.Unreadable("unfinished sync answer without task_id");
                return new ProviderSubmission.Accepted(id.ToString());
        }
    }

    public override async Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken)
    {
        var id = GptGeTaskId.Parse(providerTaskId);
        var path = PollPath(Options.PollPathTemplate, "{task_id}", id.TaskId);
        var envelope = await _client.SendAsync((api, key) => api.GetAsync(key, path, cancellationToken),
            $"Checking the {Name} task", cancellationToken).ConfigureAwait(false);
        var result = Interpret(envelope.Data ?? throw _client.Unreadable("no data"), id.BatchSize);
        Logger.LogDebug("{Provider} task {ProviderTaskId}: {Poll}", ProviderId, id.TaskId, result);
        return result;
    }

    public override Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken) =>
        ResultFetcher.FetchUnexpiredAsync(result, Downloader, Options.MaxResultBytes, Time,
            inner => PicWishStates.ResultExpired(Name, Options.ResultLifetime, inner), cancellationToken);

    /// <summary>The callback URL, under the same rule as every URL we hand out or fetch.</summary>
    private string? CallbackUrl(ProviderJob job)
    {
        if (job.CallbackUrl is null) return null;
        Downloader.Guard.EnsureAllowed(job.CallbackUrl);
        return job.CallbackUrl.AbsoluteUri;
    }

    /// <summary>000's form: image, sync, type, output_type, crop, format, bg_color (JPG only, as PicWish).</summary>
    internal static GptGeCutoutForm BuildCutoutForm(ProviderJob job, bool sync)
    {
        var o = job.Options;
        if (o.BackgroundImage is not null)
            throw Refuse("gpt.ge cannot place a background image behind a cut-out; use a colour or another provider.");
        var image = PicWishProvider.FormImageOf(job.Source, "The image");
        var format = PicWishProvider.FormatName(o.Format);
        if (o.BackgroundColor is not null && o.Format != OutputFormat.Jpg)
            throw Refuse("gpt.ge fills the background with a colour only for JPG results; choose JPG or remove the colour.");
        return new GptGeCutoutForm(image, PicWishProvider.Flag(sync), PicWishProvider.TypeName(o.Type),
            ((int)o.Output).ToString(CultureInfo.InvariantCulture), PicWishProvider.Flag(o.Crop), format, o.BackgroundColor?.TrimStart('#'));
    }

    /// <summary>
    /// 002's form: image, batch_size, prompt, sync. DECISION: the cut-out options do not apply to background generation;
    /// non-default ones are refused rather than silently dropped (the result format is the service's choice).
    /// </summary>
    internal static GptGeBackgroundForm BuildBackgroundForm(ProviderJob job, bool sync)
    {
        var o = job.Options;
        if (string.IsNullOrWhiteSpace(o.BackgroundPrompt))
            throw Refuse("Describe the background to generate.");
        if (o.BackgroundPrompt.Length > JobOptions.MaxBackgroundPromptLength)
            throw Refuse($"The background prompt is longer than {JobOptions.MaxBackgroundPromptLength} characters.");
        if (o.BatchSize is < 1 or > JobOptions.MaxBatchSize)
            throw Refuse($"Choose between 1 and {JobOptions.MaxBatchSize} images.");
        if (o.Output != OutputKind.Image || o.Crop || o.BackgroundColor is not null || o.BackgroundImage is not null || o.Type != SubjectType.Auto)
            throw Refuse("Background generation takes only a prompt and a number of images; clear the cut-out options (mask, crop, colour, background image, subject type).");
        return new GptGeBackgroundForm(PicWishProvider.FormImageOf(job.Source, "The image"),
            o.BatchSize.ToString(CultureInfo.InvariantCulture), o.BackgroundPrompt, PicWishProvider.Flag(sync));
    }

    private static ProviderException Refuse(string message) => new(ProviderErrorCode.InvalidOption, message, false);

    /// <summary>
    /// DECISION (seeds/README.md): state 1 done, 0 queued, above 1 processing, below 0 failed (PicWish's table). Result
    /// images come as <c>data.image</c> (string or array) and/or <c>data.images</c> (array); for a batch of N, fewer than N
    /// is done with a note naming how many came back (<see cref="PartialBatch"/>), none is a failure, more than N keeps the first N.
    /// </summary>
    private ProviderPoll Interpret(JsonElement data, int? batchSize)
    {
        var state = PicWishWire.Int(data, "state") ?? throw _client.Unreadable("no state");
        if (state < 0)
        {
            var f = PicWishStates.MapFailure(state, Name);
            var info = PicWishWire.Text(data, "err_info") ?? PicWishWire.Text(data, "state_detail");
            return new ProviderPoll.Failed(f.Code, f.Message, f.Retryable, $"state={state}" + (string.IsNullOrWhiteSpace(info) ? "" : $" {info}"));
        }
        if (state != PicWishStates.Succeeded)
            return new ProviderPoll.Progress(Math.Clamp(PicWishWire.Int(data, "progress") ?? 0, 0, 99)) { Status = PicWishStates.DescribeProgress(state) };

        var expires = (PicWishWire.UnixTime(data, "completed_at") ?? Time.GetUtcNow()) + Options.ResultLifetime;
        var images = PicWishWire.Strings(data, "image").Concat(PicWishWire.Strings(data, "images")).Distinct(StringComparer.Ordinal).ToList();
        var results = new List<ResultReference>();
        if (batchSize is { } n)
        {
            if (images.Count == 0)
                return new ProviderPoll.Failed(ProviderErrorCode.ProviderFailed,
                    $"{Name} finished but returned none of the {n} requested backgrounds. Try again.", true, $"partial=0/{n}");
            if (images.Count > n)
                Logger.LogWarning("{Provider} returned {Count} images for a batch of {Batch}; keeping the first {Batch}", ProviderId, images.Count, n, n);
            results.AddRange(images.Take(n).Select((url, i) => PicWishWire.ToReference(url, ResultRole.Image, i, expires, Name)));
            if (images.Count < n) return PartialBatch(results, n);
        }
        else
        {
            if (images.Count > 0) results.Add(PicWishWire.ToReference(images[0], ResultRole.Image, 0, expires, Name));
            if (PicWishWire.Strings(data, "mask").FirstOrDefault() is { } mask)
                results.Add(PicWishWire.ToReference(mask, ResultRole.Mask, 0, expires, Name));
            if (results.Count == 0)
                return new ProviderPoll.Failed(ProviderErrorCode.ServerError, $"{Name} reported success but sent no result image.", true, "state=1 no-image");
        }
        return new ProviderPoll.Done(results);
    }

    /// <summary>
    /// DECISION (002 is silent on partial batches): a batch that came back short is done with the images that arrived and
    /// a note saying how many of N, not failed: failing it threw away what arrived, and a retry would submit and be charged
    /// again. The cost stays the configured price of the N requested (the worker's estimate from the job's batch size):
    /// 002 prices a request by its <c>batch_size</c> ("pricing scales with quantity") and says nothing of refunds for
    /// images that never arrived, so the ledger records what the request is billed at, and the note says so.
    /// </summary>
    private ProviderPoll.Done PartialBatch(List<ResultReference> arrived, int asked)
    {
        Logger.LogWarning("{Provider} returned {Count} of {Batch} requested backgrounds", ProviderId, arrived.Count, asked);
        return new ProviderPoll.Done(arrived)
        {
            Note = $"{Name} returned {arrived.Count} of the {asked} requested backgrounds. {Name} prices a request by the number asked for, " +
                   $"so the cost recorded is that of {asked}.",
        };
    }
}

/// <summary>000's form fields as sent; null ones are left out.</summary>
internal sealed record GptGeCutoutForm(FormImage Image, string Sync, string? Type, string OutputType, string Crop, string Format, string? BackgroundColor);

/// <summary>002's form fields as sent.</summary>
internal sealed record GptGeBackgroundForm(FormImage Image, string BatchSize, string Prompt, string Sync);
