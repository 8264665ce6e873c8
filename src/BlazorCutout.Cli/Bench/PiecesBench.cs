using System.Diagnostics;
using BlazorCutout.Engine.Imaging;
using BlazorCutout.Engine.Pipeline;
using NetVips;

namespace BlazorCutout.Cli.Bench;

/// <summary>
/// <c>cutout-cli bench pieces [--image FILE] [--rounds N]</c>: the two pieces the engine still does itself where libvips
/// has its own way — the PNG encoder and the mask's Gaussian blur — timed against libvips (NetVips) on the same input in
/// the same run, turn about, with the output compared (PNG: decoded pixels equal; blur: mean difference in 1/255).
/// Our piece stays only where it is faster at equal output; the figures go into its comment.
/// </summary>
internal static class PiecesBench
{
    public static int Run(string[] args)
    {
        string? imagePath = null;
        int rounds = 7;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--image": imagePath = ArgReader.Value(args, ref i); break;
                case "--rounds": rounds = Math.Max(1, ArgReader.Int(args, ref i)); break;
                default: throw new UsageException($"unknown bench pieces option {args[i]}");
            }
        }
        var dataDir = Environment.GetEnvironmentVariable("BlazorCutout__Data__Directory") is { Length: > 0 } d ? d : "data";
        imagePath ??= Path.Combine(dataDir, "bench-images", "coffee-12mp.jpg");
        if (!File.Exists(imagePath)) throw new FileNotFoundException($"bench image {imagePath} is missing (./cutout bench engine fetches the set)");

        var (rgba, width, height) = CutoutLike(imagePath);
        Console.WriteLine($"input: {Path.GetFileName(imagePath)} {width}x{height} RGBA with a soft elliptical alpha; {rounds} rounds each, turn about; medians");
        Console.WriteLine($"{"piece",-34} {"ours ms",9} {"libvips ms",11} {"libvips/ours",13}  output");

        // PNG: zlib level 1 and the Up filter on both sides, the engine's settings (EngineOptions.PngCompression = 1).
        byte[] ours = [], theirs = [];
        var (oursMs, theirsMs) = TurnAbout(rounds,
            () => ours = PngWriter.Encode(rgba, width, height, 4),
            () =>
            {
                using var img = Image.NewFromMemory(rgba, width, height, 4, Enums.BandFormat.Uchar);
                theirs = img.PngsaveBuffer(compression: 1, filter: Enums.ForeignPngFilter.Up, keep: Enums.ForeignKeep.None);
            });
        Console.WriteLine($"{"PNG encode 12 MP RGBA (level 1, Up)",-34} {oursMs,9:F0} {theirsMs,11:F0} {theirsMs / oursMs,12:F2}x  " +
                          $"{(SamePixels(ours, theirs) ? "pixels equal" : "PIXELS DIFFER")}; {ours.Length / 1e6:F1} MB vs {theirs.Length / 1e6:F1} MB");

        // The mask blur as MaskPostProcessing runs it for a user's maskBlurSigma (exact kernel up to radius 24, then
        // three box passes), against libvips' gaussblur on the same float plane.
        foreach (var sigma in new[] { 2.0, 12.0 })
        {
            var alpha = AlphaPlane(rgba, width, height);
            int radius = (int)Math.Ceiling(3 * sigma);
            float[] mine = [], lib = [];
            var (a, b) = TurnAbout(rounds,
                () => { mine = (float[])alpha.Clone(); GaussianBlur.Apply(mine, width, height, sigma, radius); },
                () =>
                {
                    using var plane = Image.NewFromMemory(alpha, width, height, 1, Enums.BandFormat.Float);
                    // libvips' edge is a copy of the border, as ours; min_ampl 0.01 ≈ the 3-sigma kernel ours uses.
                    using var blurred = plane.Gaussblur(sigma, minAmpl: 0.01, precision: Enums.Precision.Float);
                    lib = blurred.WriteToMemory<float>();
                });
            double diff = 0;
            for (int i = 0; i < mine.Length; i++) diff += Math.Abs(mine[i] - lib[i]);
            diff = diff / mine.Length * 255;
            Console.WriteLine($"{$"mask blur sigma {sigma:0} (float plane)",-34} {a,9:F0} {b,11:F0} {b / a,12:F2}x  mean difference {diff:F3}/255");
        }
        return 0;
    }

    /// <summary>Times <paramref name="ours"/> and <paramref name="theirs"/> alternately after one warm-up each.</summary>
    private static (double Ours, double Theirs) TurnAbout(int rounds, Action ours, Action theirs)
    {
        ours(); theirs();
        var a = new List<double>(); var b = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew(); ours(); a.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart(); theirs(); b.Add(sw.Elapsed.TotalMilliseconds);
        }
        a.Sort(); b.Sort();
        return (a[a.Count / 2], b[b.Count / 2]);
    }

    /// <summary>The photo with a soft elliptical alpha, like a cut-out: opaque centre, a feathered edge, clear corners.</summary>
    private static (byte[] Rgba, int Width, int Height) CutoutLike(string path)
    {
        using var loaded = Image.NewFromFile(path, access: Enums.Access.Sequential);
        using var srgb = loaded.Colourspace(Enums.Interpretation.Srgb);
        using var rgb = srgb.Bands > 3 ? srgb.ExtractBand(0, 3) : srgb.Copy();
        var pixels = rgb.WriteToMemory();
        int w = rgb.Width, h = rgb.Height;
        var rgba = new byte[w * h * 4];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double dx = (x - w / 2.0) / (w * 0.35), dy = (y - h / 2.0) / (h * 0.4);
                double r = Math.Sqrt(dx * dx + dy * dy);
                int i = y * w + x;
                rgba[i * 4] = pixels[i * 3]; rgba[i * 4 + 1] = pixels[i * 3 + 1]; rgba[i * 4 + 2] = pixels[i * 3 + 2];
                rgba[i * 4 + 3] = (byte)Math.Clamp((1.05 - r) * 255 / 0.1, 0, 255);
            }
        return (rgba, w, h);
    }

    private static float[] AlphaPlane(byte[] rgba, int width, int height)
    {
        var plane = new float[width * height];
        for (int i = 0; i < plane.Length; i++) plane[i] = rgba[i * 4 + 3] / 255f;
        return plane;
    }

    private static bool SamePixels(byte[] pngA, byte[] pngB)
    {
        using var a = Image.NewFromBuffer(pngA);
        using var b = Image.NewFromBuffer(pngB);
        return a.Width == b.Width && a.Height == b.Height && a.Bands == b.Bands && a.WriteToMemory().AsSpan().SequenceEqual(b.WriteToMemory());
    }
}
