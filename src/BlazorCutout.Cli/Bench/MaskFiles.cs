using BlazorCutout.Cli.Bench.Peer;

namespace BlazorCutout.Cli.Bench;

/// <summary>One image's mask compared with the mask another build of the engine wrote for it.</summary>
internal sealed record EngineMaskComparison(string Image, int Width, int Height, MaskAgreementResult Agreement)
{
    /// <summary>Two builds of our engine count as equal when their masks differ by at most this on average (1/255 units).</summary>
    public const double MeanAbsDiffTarget = 1.0;

    public bool Equal => Agreement.MeanAbsDiff <= MeanAbsDiffTarget;

    public override string ToString() =>
        $"{Image,-22} vs other build: {Agreement} -> {(Equal ? "equal" : "DIFFERENT")} (target <= {MeanAbsDiffTarget}/255)";
}

/// <summary>
/// Masks as raw files so two builds of the engine (before and after a change) can be compared on the bench images:
/// one run writes them with <c>--masks-out</c>, the other reads them with <c>--masks-against</c>. The form is the
/// peer's <c>.gray</c>: width×height 8-bit bytes, row-major, at source resolution.
/// </summary>
internal static class MaskFiles
{
    public static async Task WriteAsync(string directory, IReadOnlyDictionary<string, byte[]> masks)
    {
        foreach (var (file, mask) in masks)
            await File.WriteAllBytesAsync(PathFor(directory, file), mask);
        Console.WriteLine($"wrote {masks.Count} masks to {directory}");
    }

    public static List<EngineMaskComparison> Compare(string directory, List<string> files, List<BenchRow> rows, IReadOnlyDictionary<string, byte[]> ours)
    {
        Console.WriteLine();
        Console.WriteLine($"masks against {directory}:");
        var result = new List<EngineMaskComparison>();
        foreach (var (file, row) in files.Zip(rows))
        {
            var other = MaskAgreement.ReadGray(PathFor(directory, file), row.Width, row.Height);
            var c = new EngineMaskComparison(row.Image, row.Width, row.Height, MaskAgreement.Compare(ours[file], other));
            Console.WriteLine(c);
            result.Add(c);
        }
        Console.WriteLine($"masks: {(result.All(c => c.Equal) ? "all equal" : "NOT all equal")} within {EngineMaskComparison.MeanAbsDiffTarget}/255 mean difference; " +
                          $"largest mean difference {result.Max(c => c.Agreement.MeanAbsDiff):0.000}/255");
        return result;
    }

    private static string PathFor(string directory, string imageFile) => Path.Combine(directory, Path.GetFileName(imageFile) + ".gray");
}
