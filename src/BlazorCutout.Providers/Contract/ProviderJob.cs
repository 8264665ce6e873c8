using BlazorCutout.Engine;

namespace BlazorCutout.Providers;

/// <summary>
/// One unit of work handed to a provider. Built by the task pipeline after validation against the provider's
/// <see cref="ProviderDescriptor"/> (see <see cref="ProviderJobValidator"/>), so providers may trust its shape.
/// </summary>
/// <param name="TaskId">Our task id; providers use it only for logging and idempotency keys.</param>
/// <param name="Source">The image to process: bytes for <see cref="ProviderInputs.File"/> providers, a signed public URL for <see cref="ProviderInputs.Url"/> providers, or both.</param>
/// <param name="CallbackUrl">Where the provider may notify completion. An optimisation only: the worker polls regardless.</param>
public sealed record ProviderJob(
    string TaskId,
    ProviderOperation Operation,
    JobOptions Options,
    JobImage Source,
    Uri? CallbackUrl = null)
{
    /// <summary>
    /// For providers that do their work inside <see cref="ICutoutProvider.SubmitAsync"/> (the local engine): told the
    /// share done so far, 0..99, while that call runs. Remote providers report progress through their polls instead.
    /// </summary>
    public IProgress<int>? Progress { get; init; }
}

/// <summary>
/// An image travelling to a provider, in whichever forms we have it. Remote clients choose the form their API takes
/// (PicWish/gpt.ge: <c>image_file</c> when <see cref="HasBytes"/>, else <c>image_url</c>; HitPaw/Tengr: URL only).
/// </summary>
public sealed record JobImage
{
    public ReadOnlyMemory<byte>? Bytes { get; init; }
    public string? FileName { get; init; }
    public string? ContentType { get; init; }
    /// <summary>A signed, expiring URL under the configured public base URL, already checked by the URL guard.</summary>
    public Uri? PublicUrl { get; init; }

    public bool HasBytes => Bytes is { Length: > 0 };
    public bool HasUrl => PublicUrl is not null;

    public static JobImage FromBytes(ReadOnlyMemory<byte> bytes, string fileName, string contentType, Uri? publicUrl = null) =>
        new() { Bytes = bytes, FileName = fileName, ContentType = contentType, PublicUrl = publicUrl };

    public static JobImage FromUrl(Uri publicUrl) => new() { PublicUrl = publicUrl };

    // Never print the bytes; the URL carries a signature, so only its path survives.
    public override string ToString() =>
        $"JobImage({(HasBytes ? $"{Bytes!.Value.Length} bytes {ContentType} '{FileName}'" : "no bytes")}{(HasUrl ? ", url " + PublicUrl!.GetLeftPart(UriPartial.Path) : "")})";
}

/// <summary>
/// Provider-neutral options, the union of what the seed APIs accept. The value types come from the engine contract
/// (<see cref="OutputKind"/> is numbered like the APIs' <c>output_type</c>, points are normalised 0..1 like 001),
/// so the local adapter maps 1:1 and remote clients map to their wire names.
/// </summary>
public sealed record JobOptions
{
    public const int MaxBatchSize = 4;
    public const int MaxBackgroundPromptLength = 1024;

    /// <summary>Foreground hint (<c>type</c>: person/object/stamp; Auto = blank).</summary>
    public SubjectType Type { get; init; } = SubjectType.Auto;
    public OutputKind Output { get; init; } = OutputKind.Image;
    public OutputFormat Format { get; init; } = OutputFormat.Png;
    /// <summary>Crop to the subject's bounds (<c>crop=1</c>).</summary>
    public bool Crop { get; init; }
    /// <summary>Hex colour without '#', such as "81d4fa". Exclusive with <see cref="BackgroundImage"/>.</summary>
    public string? BackgroundColor { get; init; }
    /// <summary>Image placed behind the subject (<c>bg_image_file</c>/<c>bg_image_url</c>). Exclusive with <see cref="BackgroundColor"/>.</summary>
    public JobImage? BackgroundImage { get; init; }

    /// <summary>For <see cref="ProviderOperation.SegmentByPoints"/>: at least one positive point.</summary>
    public IReadOnlyList<NormalizedPoint> PositivePoints { get; init; } = [];
    public IReadOnlyList<NormalizedPoint> NegativePoints { get; init; } = [];

    /// <summary>For <see cref="ProviderOperation.SegmentByText"/>: what to find ("the red car").</summary>
    public string? TextPrompt { get; init; }

    /// <summary>Mask post-processing (expand, tapered corners, blur sigma, kernel size), ranges as in 001.</summary>
    public MaskOptions Mask { get; init; } = new();

    /// <summary>For <see cref="ProviderOperation.GenerateBackground"/>: the scene to generate (max 1024 chars).</summary>
    public string? BackgroundPrompt { get; init; }
    /// <summary>For <see cref="ProviderOperation.GenerateBackground"/>: number of images, 1..4; prices scale with it.</summary>
    public int BatchSize { get; init; } = 1;
}
