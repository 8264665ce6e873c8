using Xunit;
using BlazorCutout.Engine.Pipeline;

namespace BlazorCutout.Engine.Tests.Engine;

/// <summary>
/// One engine (one ONNX Runtime session, ~1 s to load) shared by every test of the "engine" collection.
/// Assets come from $BlazorCutout__Engine__AssetsDirectory, else &lt;repo&gt;/data/engine (scripts/engine-assets.sh);
/// photos from $BlazorCutout__Data__Directory/test-images, else &lt;repo&gt;/data/test-images (scripts/test-images.sh).
/// </summary>
public sealed class EngineFixture : IDisposable
{
    public CutoutEngine Engine { get; }
    public string AssetsDirectory { get; }
    public string ImagesDirectory { get; }

    public EngineFixture()
    {
        var root = RepoRoot();
        AssetsDirectory = Environment.GetEnvironmentVariable(EngineOptions.AssetsDirectoryVariable) is { Length: > 0 } a
            ? a : Path.Combine(root, "data", "engine");
        var data = Environment.GetEnvironmentVariable("BlazorCutout__Data__Directory") is { Length: > 0 } d ? d : Path.Combine(root, "data");
        ImagesDirectory = Path.Combine(data, "test-images");
        if (!File.Exists(Path.Combine(ImagesDirectory, "astronaut.png")))
        {
            // The test flow prepares them; do it here too so `dotnet test` alone works on a prepared machine.
            var script = Path.Combine(root, "scripts", "test-images.sh");
            var p = System.Diagnostics.Process.Start("bash", [script, ImagesDirectory]);
            p.WaitForExit();
        }
        Engine = new CutoutEngine(new EngineOptions { AssetsDirectory = AssetsDirectory });
        Engine.Warmup();
    }

    public byte[] Photo(string name)
    {
        var path = Path.Combine(ImagesDirectory, name);
        if (!File.Exists(path)) throw new FileNotFoundException($"test photo {path} is missing: run scripts/test-images.sh", path);
        return File.ReadAllBytes(path);
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlazorCutout.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    public void Dispose() => Engine.Dispose();
}

[CollectionDefinition("engine")]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>;

/// <summary>Decoded result pixels for assertions.</summary>
internal sealed record Decoded(byte[] Pixels, int Width, int Height, int Bands)
{
    public static Decoded From(byte[] encoded)
    {
        var (p, w, h, b) = ImageIO.DecodeRaw(encoded);
        return new Decoded(p, w, h, b);
    }

    public byte At(int x, int y, int band) => Pixels[(y * Width + x) * Bands + band];

    /// <summary>Mean of one band over a rectangle given in fractions of the size (0..1).</summary>
    public double Mean(double x0, double y0, double x1, double y1, int band)
    {
        int ax = (int)(x0 * Width), ay = (int)(y0 * Height), bx = Math.Max(ax + 1, (int)(x1 * Width)), by = Math.Max(ay + 1, (int)(y1 * Height));
        double sum = 0;
        for (int y = ay; y < by; y++)
            for (int x = ax; x < bx; x++) sum += At(x, y, band);
        return sum / ((bx - ax) * (by - ay));
    }

    /// <summary>Fraction of pixels whose band is at least <paramref name="threshold"/>.</summary>
    public double Coverage(int band, int threshold = 128)
    {
        long n = 0;
        for (int i = band; i < Pixels.Length; i += Bands) if (Pixels[i] >= threshold) n++;
        return (double)n / (Width * Height);
    }
}
