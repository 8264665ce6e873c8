using BlazorCutout.Engine;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Providers.Local;

/// <summary>
/// The in-process engine behind the provider contract: synchronous (Submit returns the finished result), free,
/// file input only. Text segmentation needs a grounding model we do not ship, so it is declared unsupported.
/// </summary>
public sealed class LocalEngineProvider : ICutoutProvider
{
    public const string ProviderId = "local";

    private readonly ICutoutEngine _engine;
    private readonly LocalProviderOptions _options;

    public LocalEngineProvider(ICutoutEngine engine, IOptions<LocalProviderOptions> options)
    {
        _engine = engine;
        _options = options.Value;
        Descriptor = new ProviderDescriptor
        {
            Id = ProviderId,
            DisplayName = _options.DisplayName,
            Operations = new HashSet<ProviderOperation> { ProviderOperation.RemoveBackground, ProviderOperation.SegmentByPoints },
            UnsupportedReasons = new Dictionary<ProviderOperation, string> { [ProviderOperation.SegmentByText] = TextUnsupportedReason },
            Inputs = ProviderInputs.File,
            Options = new SupportedOptions
            {
                Outputs = new HashSet<OutputKind> { OutputKind.Image, OutputKind.Mask, OutputKind.ImageAndMask },
                Formats = new HashSet<OutputFormat> { OutputFormat.Png, OutputFormat.Jpg, OutputFormat.Webp },
                SubjectType = true, // recorded, harmless: the model is generic
                Crop = true,
                BackgroundColor = true,
                BackgroundImage = true,
                MaskPostProcessing = true,
                Callback = false,
                MaxBatchSize = 1,
            },
            Limits = new ProviderLimits
            {
                MaxBytes = engine.Limits.MaxBytes,
                MaxPixelsPerSide = engine.Limits.MaxPixelsPerSide,
                AcceptedFormats = engine.Limits.Formats,
            },
            Rate = ProviderRate.Unlimited(Math.Max(1, _options.Concurrency)),
            Polling = PollCadence.None,
            Prices = PriceTable.Free,
            IsFree = true, // in process: nothing is charged
            IsSynchronous = true,
        };
    }

    public ProviderDescriptor Descriptor { get; }

    /// <summary>Why text segmentation is missing, for the UI next to the disabled choice.</summary>
    public static string TextUnsupportedReason =>
        "The local engine cannot segment by text: that needs a text-grounding model it does not include. Use a remote provider that supports text prompts.";

    public ProviderAvailability GetAvailability() =>
        _options.Enabled ? ProviderAvailability.Available : ProviderAvailability.Unavailable("The local engine is disabled in the configuration.");

    public async Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken)
    {
        var request = new CutoutRequest(SourceBytes(job.Source), MapOptions(job))
        {
            Progress = job.Progress is { } progress ? new Progress(progress) : null,
        };
        CutoutResult result;
        try
        {
            result = await _engine.CutOutAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (CutoutException e)
        {
            throw Map(e);
        }
        return new ProviderSubmission.Completed(new ProviderPoll.Done(ToReferences(result, job.Options.Format), ProviderCost.Zero(Descriptor.Prices.Unit)));
    }

    /// <summary>Nothing is ever pending: a submission completes or throws. A poll means the caller lost track.</summary>
    public Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken) =>
        throw new ProviderException(ProviderErrorCode.NotFound,
            "The local engine finishes work immediately; there is no task to poll. Submit the job again.", isTransient: false,
            providerDetail: providerTaskId);

    public Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken) =>
        ResultFetcher.FetchAsync(result, downloader: null, Descriptor.Limits.MaxBytes, cancellationToken);

    /// <summary>The engine's stages as the job's plain percentage (the stage names are the engine's business).</summary>
    private sealed class Progress(IProgress<int> job) : IProgress<CutoutProgress>
    {
        public void Report(CutoutProgress value) => job.Report(value.Percent);
    }

    private static ReadOnlyMemory<byte> SourceBytes(JobImage source) => source.HasBytes
        ? source.Bytes!.Value
        : throw new ProviderException(ProviderErrorCode.InputNotAccepted, "The local engine needs the image file itself, not a URL.", isTransient: false);

    private static CutoutOptions MapOptions(ProviderJob job)
    {
        var o = job.Options;
        switch (job.Operation)
        {
            case ProviderOperation.RemoveBackground:
            case ProviderOperation.SegmentByPoints:
                break;
            case ProviderOperation.SegmentByText:
                throw new ProviderException(ProviderErrorCode.UnsupportedOperation, TextUnsupportedReason, isTransient: false);
            default:
                throw new ProviderException(ProviderErrorCode.UnsupportedOperation,
                    "The local engine cannot generate backgrounds; use a remote provider for that.", isTransient: false);
        }
        var byPoints = job.Operation == ProviderOperation.SegmentByPoints;
        return new CutoutOptions
        {
            Output = o.Output,
            Format = o.Format,
            Crop = o.Crop,
            BackgroundColor = o.BackgroundColor,
            BackgroundImage = o.BackgroundImage is null ? null : SourceBytes(o.BackgroundImage),
            Type = o.Type,
            Mask = o.Mask,
            // Automatic removal ignores stray clicks rather than silently turning into point segmentation.
            PositivePoints = byPoints ? o.PositivePoints : [],
            NegativePoints = byPoints ? o.NegativePoints : [],
        };
    }

    private static IReadOnlyList<ResultReference> ToReferences(CutoutResult result, OutputFormat format)
    {
        var refs = new List<ResultReference>(2);
        if (result.Image is { } image)
            refs.Add(new ResultReference.Inline(ResultRole.Image, 0, image, result.ImageContentType ?? ContentType(format)));
        if (result.Mask is { } mask)
            refs.Add(new ResultReference.Inline(ResultRole.Mask, 0, mask, "image/png"));
        if (refs.Count == 0)
            throw new ProviderException(ProviderErrorCode.ProviderFailed, "The local engine produced no output.", isTransient: false);
        return refs;
    }

    private static string ContentType(OutputFormat format) => format switch
    {
        OutputFormat.Jpg => "image/jpeg",
        OutputFormat.Webp => "image/webp",
        _ => "image/png",
    };

    /// <summary>
    /// Same user message; permanent unless retrying can help. Busy is the engine's admission gate being full: transient.
    /// A missing or corrupt model file needs an administrator, so it is permanent and flagged as misconfiguration.
    /// </summary>
    public static ProviderException Map(CutoutException e)
    {
        var (code, transient) = e.Code switch
        {
            CutoutErrorCode.Empty => (ProviderErrorCode.InvalidInput, false),
            CutoutErrorCode.NotAnImage => (ProviderErrorCode.InvalidInput, false),
            CutoutErrorCode.CorruptImage => (ProviderErrorCode.InvalidInput, false),
            CutoutErrorCode.UnsupportedFormat => (ProviderErrorCode.UnsupportedFormat, false),
            CutoutErrorCode.FileTooLarge => (ProviderErrorCode.FileTooLarge, false),
            CutoutErrorCode.TooManyPixels => (ProviderErrorCode.TooManyPixels, false),
            CutoutErrorCode.InvalidOption => (ProviderErrorCode.InvalidOption, false),
            CutoutErrorCode.TextPromptUnsupported => (ProviderErrorCode.UnsupportedOperation, false),
            CutoutErrorCode.AssetMissing => (ProviderErrorCode.ProviderMisconfigured, false),
            CutoutErrorCode.AssetCorrupt => (ProviderErrorCode.ProviderMisconfigured, false),
            CutoutErrorCode.Busy => (ProviderErrorCode.Busy, true),
            _ => (ProviderErrorCode.ProviderFailed, false),
        };
        return new ProviderException(code, e.Message, transient, inner: e, providerDetail: $"engine:{e.Code}");
    }
}
