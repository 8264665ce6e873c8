namespace BlazorCutout.Engine;

/// <summary>What the caller wants back; numbered as the providers' <c>output_type</c> so mapping stays trivial.</summary>
public enum OutputKind { ImageAndMask = 1, Image = 2, Mask = 3 }

public enum OutputFormat { Png, Jpg, Webp }

/// <summary>Foreground hint. The local model is generic, so this is recorded but does not change inference.</summary>
public enum SubjectType { Auto, Person, Object, Stamp }

/// <summary>A click on the image, normalised 0..1 (x right, y down), as the segmentation API (001) defines points.</summary>
public readonly record struct NormalizedPoint(double X, double Y);

/// <summary>Mask post-processing with the ranges of 001: expand -16384..16384 (negative shrinks), blur sigma 0.1..100, kernel size 0..100.</summary>
public sealed record MaskOptions
{
    public int Expand { get; init; }
    public bool TaperedCorners { get; init; }
    public double BlurSigma { get; init; } = 0.1;
    public int KernelSize { get; init; }
}

public sealed record CutoutOptions
{
    public OutputKind Output { get; init; } = OutputKind.Image;
    public OutputFormat Format { get; init; } = OutputFormat.Png;
    public bool Crop { get; init; }
    /// <summary>Pixels kept around the subject when <see cref="Crop"/> is set.</summary>
    public int CropMargin { get; init; }
    /// <summary>Hex colour such as "81d4fa"; with Jpg defaults to white. Exclusive with <see cref="BackgroundImage"/>.</summary>
    public string? BackgroundColor { get; init; }
    /// <summary>Encoded image placed behind the subject: centred, scaled to fill, excess cropped (004).</summary>
    public ReadOnlyMemory<byte>? BackgroundImage { get; init; }
    public SubjectType Type { get; init; } = SubjectType.Auto;
    public MaskOptions Mask { get; init; } = new();
    public IReadOnlyList<NormalizedPoint> PositivePoints { get; init; } = [];
    public IReadOnlyList<NormalizedPoint> NegativePoints { get; init; } = [];
    /// <summary>Text grounding needs a model we do not ship: a non-empty prompt is refused with <see cref="CutoutErrorCode.TextPromptUnsupported"/>.</summary>
    public string? TextPrompt { get; init; }
}

public sealed record CutoutRequest(ReadOnlyMemory<byte> Image, CutoutOptions Options)
{
    /// <summary>
    /// Told when each stage of the run starts, on the engine's own thread (keep it quick; it must not block). Optional:
    /// the Studio's bar moves with it; nothing else depends on it.
    /// </summary>
    public IProgress<CutoutProgress>? Progress { get; init; }
}

/// <summary>The stages of one run, in the order they happen.</summary>
public enum CutoutStage { Decode, Inference, Refinement, Encode }

/// <summary>
/// A stage that has just started, with roughly how much of a typical run lies behind it (0..100): inference takes
/// most of a run, so it spans the widest share. A guide for a progress bar, never a promise.
/// </summary>
public readonly record struct CutoutProgress(CutoutStage Stage, int Percent)
{
    public static CutoutProgress Of(CutoutStage stage) => new(stage, stage switch
    {
        CutoutStage.Decode => 5,
        CutoutStage.Inference => 20,
        CutoutStage.Refinement => 70,
        _ => 85,
    });
}

public readonly record struct PixelRect(int X, int Y, int Width, int Height);

public sealed record CutoutTimings(TimeSpan Decode, TimeSpan Inference, TimeSpan PostProcess, TimeSpan Encode, TimeSpan Total);

public sealed record CutoutResult
{
    /// <summary>Encoded result image; null when only the mask was asked for.</summary>
    public byte[]? Image { get; init; }
    public string? ImageContentType { get; init; }
    /// <summary>Encoded greyscale PNG mask; null unless asked for.</summary>
    public byte[]? Mask { get; init; }
    /// <summary>The subject's bounding box in source pixels (after EXIF rotation).</summary>
    public PixelRect Foreground { get; init; }
    /// <summary>Size of the source image after EXIF rotation.</summary>
    public int SourceWidth { get; init; }
    public int SourceHeight { get; init; }
    /// <summary>Size of the encoded result (differs from the source when cropped).</summary>
    public int Width { get; init; }
    public int Height { get; init; }
    public required CutoutTimings Timings { get; init; }
}

public enum CutoutErrorCode
{
    Empty,
    NotAnImage,
    UnsupportedFormat,
    CorruptImage,
    FileTooLarge,
    TooManyPixels,
    InvalidOption,
    TextPromptUnsupported,
    AssetMissing,
    AssetCorrupt,
    Busy,
}

/// <summary>A refusal the caller can show as is: <see cref="Exception.Message"/> is written for the user.</summary>
public sealed class CutoutException(CutoutErrorCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public CutoutErrorCode Code { get; } = code;
}

public sealed record ImageProbe(string Format, int Width, int Height, long Bytes);

/// <summary>What <see cref="ICutoutEngine.Probe"/> accepts; the local provider announces exactly these to the UI.</summary>
public sealed record EngineLimits(long MaxBytes, int MaxPixelsPerSide, IReadOnlySet<string> Formats);

public interface ICutoutEngine
{
    EngineLimits Limits { get; }

    /// <summary>Reads format and dimensions from the header only, enforcing the configured limits (a decompression bomb is refused here).</summary>
    ImageProbe Probe(ReadOnlySpan<byte> image);

    Task<CutoutResult> CutOutAsync(CutoutRequest request, CancellationToken cancellationToken = default);
}
