using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using BlazorCutout.Engine;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;

namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// PicWish background removal (seed 004): multipart <c>POST /api/tasks/visual/segmentation</c> with <c>X-API-KEY</c>,
/// then <c>GET /api/tasks/visual/segmentation/{task_id}</c> until <c>data.state</c> is 1 (done) or below 0 (failed).
/// Results are URLs valid for 1 hour (<c>return_type=1</c>); base64 answers are accepted too.
/// Decisions where 004 is silent are named in <see cref="PicWishWire"/>, <see cref="PicWishStates"/> and below.
/// </summary>
public sealed class PicWishProvider : RemoteProvider<PicWishOptions, IPicWishApi>
{
    public const string ProviderId = "picwish";

    /// <summary>DECISION: results always as URLs (1): the same handling for sync and async, and the smallest answers.</summary>
    public const int ReturnTypeUrl = 1;

    /// <summary>
    /// A <c>sync=1</c> request holds its connection until the task ends, up to PicWish's 180-s processing limit (state -8).
    /// DECISION: with <c>UseSync</c> every request of the client gets at least this attempt timeout, whatever
    /// <c>Resilience:AttemptTimeout</c> says (<see cref="ProviderResilienceOptions.WithAttemptTimeoutAtLeast"/>), rather than
    /// refusing to start: a shorter limit is never useful there, and it would cut off submissions that may already be
    /// charged, which the worker then cannot resend.
    /// </summary>
    public static readonly TimeSpan SyncAttemptTimeout = TimeSpan.FromSeconds(190);

    /// <summary>DECISION: PicWish does not report a charge; the default table is 1 credit per image (configurable via Prices).</summary>
    public static PriceTable DefaultPrices { get; } = new("credits", new Dictionary<ProviderOperation, OperationPrice>
    {
        [ProviderOperation.RemoveBackground] = new(PerImage: 1),
    });

    /// <summary>004 "Guidelines and Limits", as the engine's probe names them (bitmap/raw/rgb/jfif/lzw need no separate names: jfif is jpeg, bitmap is bmp).</summary>
    public static IReadOnlySet<string> AcceptedFormats { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { "jpg", "jpeg", "bmp", "png", "webp", "tiff", "tif", "jfif" };

    private readonly EnvelopeClient<IPicWishApi> _client;

    public PicWishProvider(IOptions<PicWishOptions> options, ProviderHttpClientFactory httpClients, SafeDownloader downloader,
        ILogger<PicWishProvider>? logger = null, TimeProvider? time = null)
        : base(options.Value, BuildDescriptor, httpClients, downloader, logger, time)
    {
        _client = new EnvelopeClient<IPicWishApi>(() => Api, () => Options.ApiKey, Account, Logger, ProviderId, Options.DisplayName);
    }

    protected override Uri BaseAddress() => Options.BaseUrl ?? PicWishOptions.DefaultBaseUrl;

    protected override ProviderResilienceOptions Resilience() => ResilienceFor(Options, Options.UseSync);

    /// <summary>The client's settings: <see cref="SyncAttemptTimeout"/> at least in sync mode (PicWish and gpt.ge alike).</summary>
    internal static ProviderResilienceOptions ResilienceFor(RemoteProviderOptions options, bool sync) =>
        sync ? options.Resilience.WithAttemptTimeoutAtLeast(SyncAttemptTimeout) : options.Resilience;

    public static ProviderDescriptor BuildDescriptor(PicWishOptions o) => new()
    {
        Id = ProviderId,
        DisplayName = o.DisplayName,
        Operations = new HashSet<ProviderOperation> { ProviderOperation.RemoveBackground },
        Inputs = ProviderInputs.File | ProviderInputs.Url,
        Options = new SupportedOptions
        {
            Outputs = new HashSet<OutputKind> { OutputKind.Image, OutputKind.Mask, OutputKind.ImageAndMask },
            Formats = new HashSet<OutputFormat> { OutputFormat.Png, OutputFormat.Jpg },
            SubjectType = true,
            Crop = true,
            BackgroundColor = true, // with JPG only, see MapOptions
            BackgroundImage = true,
            MaskPostProcessing = false,
            Callback = false,
            MaxBatchSize = 1,
        },
        Limits = new ProviderLimits
        {
            MaxBytes = 20L * 1024 * 1024,
            MaxBytesByUrl = 30L * 1024 * 1024,
            MaxPixelsPerSide = 4096,
            AcceptedFormats = AcceptedFormats,
        },
        Rate = o.RateOr(new ProviderRate(2, 4)),
        Polling = o.PollCadence(),
        Prices = o.PriceTableOr(DefaultPrices),
        IsSynchronous = o.UseSync,
    };

    public override async Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken)
    {
        if (job.Operation != ProviderOperation.RemoveBackground)
            throw new ProviderException(ProviderErrorCode.UnsupportedOperation, $"{Name} can only remove backgrounds.", false);
        var f = BuildForm(job, Options.UseSync);
        var envelope = await _client.SendAsync((api, key) => api.CreateAsync(key, f.Image.File, f.Image.Url, f.Sync, f.Type, f.ReturnType,
            f.OutputType, f.Crop, f.Format, f.BackgroundColor, f.BackgroundImage?.File, f.BackgroundImage?.Url, cancellationToken),
            "Submitting to " + Name, cancellationToken).ConfigureAwait(false);
        var data = envelope.Data ?? throw Unreadable("no data");

        var taskId = PicWishWire.Text(data, "task_id");
        if (!Options.UseSync || PicWishWire.Int(data, "state") is null)
        {
            if (string.IsNullOrEmpty(taskId)) throw Unreadable("no task_id");
            Logger.LogInformation("{Provider} accepted task {ProviderTaskId} for {TaskId}", ProviderId, taskId, job.TaskId);
            return new ProviderSubmission.Accepted(taskId);
        }
        switch (Interpret(data))
        {
            case ProviderPoll.Done done:
                return new ProviderSubmission.Completed(done);
            case ProviderPoll.Failed failed:
                throw new ProviderException(failed.Code, failed.UserMessage, failed.Retryable, providerDetail: failed.ProviderDetail);
            default:
                // A sync request answered before finishing: poll it like an async one.
                if (string.IsNullOrEmpty(taskId)) throw Unreadable("unfinished sync answer without task_id");
                return new ProviderSubmission.Accepted(taskId);
        }
    }

    /// <summary>A status query of an unknown task: it only reads, so it charges nothing (docs/provider-status.md).</summary>
    public override Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) =>
        QueryUnknownTaskAsync("GET /api/tasks/visual/segmentation/{task_id}", cancellationToken);

    public override async Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken)
    {
        var envelope = await _client.SendAsync((api, key) => api.GetAsync(key, providerTaskId, cancellationToken),
            $"Checking the {Name} task", cancellationToken).ConfigureAwait(false);
        var result = Interpret(envelope.Data ?? throw Unreadable("no data"));
        Logger.LogDebug("{Provider} task {ProviderTaskId}: {Poll}", ProviderId, providerTaskId, result);
        return result;
    }

    public override Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken) =>
        ResultFetcher.FetchUnexpiredAsync(result, Downloader, Options.MaxResultBytes, Time,
            inner => PicWishStates.ResultExpired(Name, Options.ResultLifetime, inner), cancellationToken);

    /// <summary>The request form of 004. Exclusive pairs (image_file/image_url, bg_*) are enforced here, not left to a 400.</summary>
    internal static PicWishForm BuildForm(ProviderJob job, bool sync)
    {
        var o = job.Options;
        var image = FormImageOf(job.Source, "The image");
        var format = FormatName(o.Format);
        if (o.BackgroundColor is not null && o.BackgroundImage is not null)
            throw Refuse("Choose either a background colour or a background image, not both.");
        // DECISION: 004 ignores bg_color unless format=jpg; silently dropping the colour would surprise, so refuse.
        if (o.BackgroundColor is not null && o.Format != OutputFormat.Jpg)
            throw Refuse("PicWish fills the background with a colour only for JPG results; choose JPG or remove the colour.");
        return new PicWishForm(image, Flag(sync), TypeName(o.Type), ReturnTypeUrl.ToString(CultureInfo.InvariantCulture),
            ((int)o.Output).ToString(CultureInfo.InvariantCulture), Flag(o.Crop), format, o.BackgroundColor?.TrimStart('#'),
            o.BackgroundImage is null ? null : FormImageOf(o.BackgroundImage, "The background image"));
    }

    internal static string Flag(bool on) => on ? "1" : "0";

    /// <summary>Bytes when we have them (one upload as a file part, no public URL needed), else the URL.</summary>
    internal static FormImage FormImageOf(JobImage image, string what)
    {
        if (image.HasBytes)
        {
            // A seekable stream over the bytes: the part can be sent again when a retry is allowed (429, no connection).
            var type = MediaTypeHeaderValue.TryParse(image.ContentType, out var ct) ? ct.ToString() : "application/octet-stream";
            return new FormImage(new StreamPart(new MemoryStream(image.Bytes!.Value.ToArray(), writable: false), SafeFileName(image.FileName), type), null);
        }
        if (image.HasUrl)
            return new FormImage(null, image.PublicUrl!.AbsoluteUri);
        throw new ProviderException(ProviderErrorCode.InputNotAccepted, $"{what} is missing: neither its bytes nor a URL were given.", false);
    }

    private static string SafeFileName(string? name)
    {
        var n = string.IsNullOrWhiteSpace(name) ? "image" : Path.GetFileName(name.Replace('\\', '/'));
        return n.Length > 0 ? n : "image";
    }

    internal static string? TypeName(SubjectType type) => type switch
    {
        SubjectType.Person => "person",
        SubjectType.Object => "object",
        SubjectType.Stamp => "stamp",
        _ => null, // empty = automatic detection
    };

    internal static string FormatName(OutputFormat format) => format switch
    {
        OutputFormat.Png => "png",
        OutputFormat.Jpg => "jpg",
        _ => throw Refuse("PicWish produces PNG or JPG only."),
    };

    private static ProviderException Refuse(string message) => new(ProviderErrorCode.InvalidOption, message, false);

    /// <summary>Reads <c>data</c> of a query (or sync create) answer: state 1 → results, 0/2..6 → progress, below 0 → failure.</summary>
    private ProviderPoll Interpret(JsonElement data)
    {
        var state = PicWishWire.Int(data, "state") ?? throw Unreadable("no state");
        if (state < 0)
        {
            var f = PicWishStates.MapFailure(state, Name);
            return new ProviderPoll.Failed(f.Code, f.Message, f.Retryable, $"state={state}");
        }
        if (state != PicWishStates.Succeeded)
            return new ProviderPoll.Progress(Math.Clamp(PicWishWire.Int(data, "progress") ?? 0, 0, 99)) { Status = PicWishStates.DescribeProgress(state) };

        var expires = (PicWishWire.UnixTime(data, "completed_at") ?? Time.GetUtcNow()) + Options.ResultLifetime;
        var results = new List<ResultReference>(2);
        if (PicWishWire.Text(data, "image") is { Length: > 0 } image)
            results.Add(PicWishWire.ToReference(image, ResultRole.Image, 0, expires, Name));
        if (PicWishWire.Text(data, "mask") is { Length: > 0 } mask)
            results.Add(PicWishWire.ToReference(mask, ResultRole.Mask, 0, expires, Name));
        if (results.Count == 0)
            return new ProviderPoll.Failed(ProviderErrorCode.ServerError, $"{Name} reported success but sent no result image.", true, "state=1 no-image");
        return new ProviderPoll.Done(results);
    }

    private ProviderException Unreadable(string why) => _client.Unreadable(why);
}

/// <summary>An image field of a form: the bytes as a file part, or else the URL (exactly one of the two).</summary>
internal sealed record FormImage(StreamPart? File, string? Url);

/// <summary>004's form fields as sent; null ones are left out.</summary>
internal sealed record PicWishForm(FormImage Image, string Sync, string? Type, string ReturnType, string OutputType, string Crop,
    string Format, string? BackgroundColor, FormImage? BackgroundImage);
