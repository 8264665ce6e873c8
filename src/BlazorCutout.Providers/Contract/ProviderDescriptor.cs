using BlazorCutout.Engine;

namespace BlazorCutout.Providers;

/// <summary>
/// Everything the UI, the validator, the rate limiter and the worker need to know about a provider without calling it.
/// Immutable; a provider builds it once from its options.
/// </summary>
public sealed record ProviderDescriptor
{
    /// <summary>Stable lower-case id stored on task rows and used as the configuration key (<c>Providers:&lt;Id&gt;</c>).</summary>
    public required string Id { get; init; }
    public required string DisplayName { get; init; }
    public required IReadOnlySet<ProviderOperation> Operations { get; init; }
    public required ProviderInputs Inputs { get; init; }
    public required SupportedOptions Options { get; init; }
    public required ProviderLimits Limits { get; init; }
    public required ProviderRate Rate { get; init; }
    public required PollCadence Polling { get; init; }
    public required PriceTable Prices { get; init; }
    /// <summary>The service says what each job cost (HitPaw's consume_coins): an empty price table then means "as reported", not free.</summary>
    public bool ReportsCost { get; init; }
    /// <summary>Nothing is ever charged (the built-in engine): an empty price table then means free, not "price not set".</summary>
    public bool IsFree { get; init; }

    /// <summary>
    /// The operations this provider charges for but neither reports nor has a configured price for: their tasks are
    /// recorded as "price not set", never as free.
    /// </summary>
    public IReadOnlyList<ProviderOperation> UnpricedOperations =>
        IsFree || ReportsCost ? [] : Operations.Where(o => !Prices.Prices.ContainsKey(o)).Order().ToList();

    /// <summary>Submit returns <see cref="ProviderSubmission.Completed"/> and there is nothing to poll.</summary>
    public bool IsSynchronous { get; init; }

    /// <summary>A provider's own words for operations it lacks, where it can say more than "cannot do" (e.g. what to use instead).</summary>
    public IReadOnlyDictionary<ProviderOperation, string> UnsupportedReasons { get; init; } = new Dictionary<ProviderOperation, string>();

    public bool Supports(ProviderOperation operation) => Operations.Contains(operation);

    /// <summary>Why this provider cannot do <paramref name="operation"/>, in words the user can act on; null when it can.</summary>
    public string? WhyNot(ProviderOperation operation) =>
        Supports(operation) ? null
        : UnsupportedReasons.TryGetValue(operation, out var reason) ? reason
        : $"{DisplayName} cannot do {operation.Describe()}.";

    /// <summary>URL-only providers (HitPaw, Tengr) can take an upload only through a signed public URL of ours.</summary>
    public bool NeedsPublicUrlForUploads => !Inputs.HasFlag(ProviderInputs.File) && Inputs.HasFlag(ProviderInputs.Url);

    /// <summary>
    /// The largest source image we can hand this provider: by URL for URL-only providers (the service fetches our
    /// signed link, so its by-URL limit counts), as a file otherwise (PicWish takes 30 MB by URL but 20 MB as a file,
    /// and a file is what we send it). An image fetched from a user's URL is cut off here, before it is stored.
    /// </summary>
    public long MaxSourceBytes => Limits.MaxBytesFor(sentByUrl: NeedsPublicUrlForUploads);
}

/// <summary>Which <see cref="JobOptions"/> a provider honours. Anything not listed is refused before submission, not silently dropped.</summary>
public sealed record SupportedOptions
{
    public IReadOnlySet<OutputKind> Outputs { get; init; } = new HashSet<OutputKind> { OutputKind.Image };
    public IReadOnlySet<OutputFormat> Formats { get; init; } = new HashSet<OutputFormat> { OutputFormat.Png };
    public bool SubjectType { get; init; }
    public bool Crop { get; init; }
    public bool BackgroundColor { get; init; }
    public bool BackgroundImage { get; init; }
    public bool MaskPostProcessing { get; init; }
    public bool Callback { get; init; }
    /// <summary>Largest <see cref="JobOptions.BatchSize"/>; 1 unless the provider generates several images per request.</summary>
    public int MaxBatchSize { get; init; } = 1;
}

/// <summary>Input limits, checked before anything is sent or charged (004: 20 MB upload, 30 MB by URL, 4096 px per side).</summary>
public sealed record ProviderLimits
{
    public long MaxBytes { get; init; } = 20L * 1024 * 1024;
    /// <summary>Some providers accept more when they fetch the URL themselves (004: 30 MB); null = same as <see cref="MaxBytes"/>.</summary>
    public long? MaxBytesByUrl { get; init; }
    public int MaxPixelsPerSide { get; init; } = 4096;
    /// <summary>Lower-case format names as <see cref="ImageProbe.Format"/> reports them ("png", "jpeg", "webp", …).</summary>
    public IReadOnlySet<string> AcceptedFormats { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "png", "jpeg", "webp" };

    public long MaxBytesFor(bool sentByUrl) => sentByUrl ? MaxBytesByUrl ?? MaxBytes : MaxBytes;

    /// <summary>Throws a permanent <see cref="ProviderException"/> naming the limit that was exceeded.</summary>
    public void Check(ImageProbe probe, bool sentByUrl = false)
    {
        var maxBytes = MaxBytesFor(sentByUrl);
        if (probe.Bytes > maxBytes)
            throw new ProviderException(ProviderErrorCode.FileTooLarge,
                $"The image is {Megabytes(probe.Bytes)}; this provider accepts at most {Megabytes(maxBytes)}.", isTransient: false);
        if (probe.Width > MaxPixelsPerSide || probe.Height > MaxPixelsPerSide)
            throw new ProviderException(ProviderErrorCode.TooManyPixels, TooManyPixels(probe.Width, probe.Height), isTransient: false);
        if (!Accepts(probe.Format))
            throw new ProviderException(ProviderErrorCode.UnsupportedFormat,
                $"This provider does not accept {probe.Format.ToUpperInvariant()} images (accepted: {string.Join(", ", AcceptedFormats.Order())}).", isTransient: false);
    }

    /// <summary>The one wording of "too many pixels", for the server's check and the browser's alike.</summary>
    public string TooManyPixels(int width, int height) =>
        $"The image is {width}×{height} pixels; this provider accepts at most {MaxPixelsPerSide} pixels per side.";

    /// <summary>Whether this format is accepted; "jpg" and "jpeg" name the same one, whichever a list uses.</summary>
    public bool Accepts(string format) =>
        AcceptedFormats.Contains(format)
        || (format.Equals("jpeg", StringComparison.OrdinalIgnoreCase) && AcceptedFormats.Contains("jpg"))
        || (format.Equals("jpg", StringComparison.OrdinalIgnoreCase) && AcceptedFormats.Contains("jpeg"));

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):0.#} MB";
}

/// <summary>
/// Request budget towards one provider. <see cref="RequestsPerSecond"/> paces HTTP calls (PicWish answers 429 above 2/s);
/// <see cref="Concurrency"/> caps requests in flight, and the worker also uses it as the cap on jobs in flight.
/// </summary>
/// <param name="RequestsPerSecond">null = unpaced (the local engine).</param>
public sealed record ProviderRate(double? RequestsPerSecond, int Concurrency)
{
    public static ProviderRate Unlimited(int concurrency) => new(null, concurrency);
}

/// <summary>
/// How often to poll an accepted job: first after <see cref="InitialDelay"/>, then every <see cref="Interval"/>
/// growing by <see cref="BackoffFactor"/> up to <see cref="MaxInterval"/>; after <see cref="Deadline"/> from submission the
/// worker gives up with a Timeout failure (PicWish's own processing limit is 180 s).
/// </summary>
public sealed record PollCadence(TimeSpan InitialDelay, TimeSpan Interval, double BackoffFactor, TimeSpan MaxInterval, TimeSpan Deadline)
{
    /// <summary>For synchronous providers: never polled.</summary>
    public static PollCadence None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, 1, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Delay before poll number <paramref name="attempt"/> (0 = the first poll after submission).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        if (attempt <= 0) return InitialDelay;
        var grown = Interval.TotalMilliseconds * Math.Pow(Math.Max(1, BackoffFactor), attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(grown, MaxInterval.TotalMilliseconds));
    }

    public bool IsPastDeadline(DateTimeOffset submittedAt, DateTimeOffset now) => Deadline > TimeSpan.Zero && now - submittedAt >= Deadline;
}

/// <summary>Configured price of one operation. Total = PerOperation + PerImage + PerBatchItem × batch size.</summary>
/// <param name="PerOperation">Flat fee per request.</param>
/// <param name="PerImage">Per source image processed.</param>
/// <param name="PerBatchItem">Per generated output (gpt.ge background prices by <c>batch_size</c>).</param>
public sealed record OperationPrice(decimal PerOperation = 0, decimal PerImage = 0, decimal PerBatchItem = 0);

/// <summary>
/// The configured price list, used when a provider does not report what it charged, and to show an estimate before submitting.
/// </summary>
public sealed record PriceTable(string Unit, IReadOnlyDictionary<ProviderOperation, OperationPrice> Prices)
{
    public static PriceTable Free { get; } = new("coins", new Dictionary<ProviderOperation, OperationPrice>());

    public ProviderCost Estimate(ProviderOperation operation, int batchSize = 1) =>
        Prices.TryGetValue(operation, out var p)
            ? new ProviderCost(p.PerOperation + p.PerImage + p.PerBatchItem * Math.Max(1, batchSize), Unit)
            : ProviderCost.Zero(Unit);
}

/// <summary>Whether a provider can take work right now, and if not, a reason the UI shows next to it.</summary>
public sealed record ProviderAvailability(bool IsAvailable, string? Reason)
{
    public static ProviderAvailability Available { get; } = new(true, null);
    public static ProviderAvailability Unavailable(string reason) => new(false, reason);
}
