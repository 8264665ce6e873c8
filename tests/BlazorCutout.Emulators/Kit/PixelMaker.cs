using BlazorCutout.Engine;

namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// The emulators' source of pixels: an <see cref="ICutoutEngine"/> (the real engine when its assets exist, else
/// <see cref="SimpleCutoutEngine"/>), so results are real, decodable cut-outs that honour the requested options.
/// </summary>
public sealed class PixelMaker(ICutoutEngine engine)
{
    public ICutoutEngine Engine { get; } = engine;
    public bool IsRealEngine => Engine is CutoutEngine;

    public ImageProbe Probe(ReadOnlySpan<byte> image) => Engine.Probe(image);

    public Task<CutoutResult> CutOutAsync(byte[] image, CutoutOptions options, CancellationToken cancellationToken = default) =>
        Engine.CutOutAsync(new CutoutRequest(image, options), cancellationToken);

    public static string Extension(string? contentType) => contentType switch
    {
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => "png",
    };
}

/// <summary>Chooses the engine behind the emulators.</summary>
public static class PixelEngines
{
    private static readonly Lazy<PixelMaker> SharedMaker = new(() => new PixelMaker(CreateDefault()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>One maker per process (one model session): what tests should use.</summary>
    public static PixelMaker Shared => SharedMaker.Value;

    /// <summary>
    /// The real engine when the model is found (<paramref name="assetsDirectory"/>, else $BlazorCutout__Engine__AssetsDirectory,
    /// else &lt;repo&gt;/data/engine), otherwise <see cref="SimpleCutoutEngine"/>.
    /// Set BLAZORCUTOUT_EMULATOR_ENGINE=simple to force the fallback.
    /// </summary>
    public static ICutoutEngine CreateDefault(string? assetsDirectory = null)
    {
        if (Environment.GetEnvironmentVariable("BLAZORCUTOUT_EMULATOR_ENGINE") is "simple") return new SimpleCutoutEngine();
        var dir = FindAssetsDirectory(assetsDirectory);
        if (dir is null) return new SimpleCutoutEngine();
        // A generous queue: tests run emulators in parallel and bursts of submissions on purpose.
        return new CutoutEngine(new EngineOptions { AssetsDirectory = dir, MaxQueue = 256 });
    }

    public static string? FindAssetsDirectory(string? preferred = null)
    {
        foreach (var candidate in Candidates(preferred))
            if (candidate is not null && File.Exists(Path.Combine(candidate, EngineAssets.ModelFile))) return candidate;
        return null;
    }

    private static IEnumerable<string?> Candidates(string? preferred)
    {
        yield return preferred;
        yield return Environment.GetEnvironmentVariable(EngineOptions.AssetsDirectoryVariable);
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlazorCutout.sln"))) dir = dir.Parent;
        if (dir is not null) yield return Path.Combine(dir.FullName, "data", "engine");
        yield return Path.Combine(Directory.GetCurrentDirectory(), "data", "engine");
    }
}
