using System.Globalization;
using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Shared;

/// <summary>How tasks, operations and sizes read on screen: one place, so the Studio and History say the same thing.</summary>
public static class TaskText
{
    public static string Operation(ProviderOperation operation) => operation switch
    {
        ProviderOperation.RemoveBackground => "Remove background",
        ProviderOperation.SegmentByPoints => "Segment by points",
        ProviderOperation.SegmentByText => "Segment by text",
        ProviderOperation.GenerateBackground => "New background",
        _ => operation.ToString(),
    };

    public static string OperationShort(ProviderOperation operation) => operation switch
    {
        ProviderOperation.RemoveBackground => "Cut-out",
        ProviderOperation.SegmentByPoints => "Points",
        ProviderOperation.SegmentByText => "Text",
        ProviderOperation.GenerateBackground => "AI background",
        _ => operation.ToString(),
    };

    public static string State(CutoutTaskState state, int? progress = null) => state switch
    {
        CutoutTaskState.Queued => "Queued",
        CutoutTaskState.Submitting => "Sending to the provider…",
        CutoutTaskState.Processing => progress is { } p ? $"Processing · {p}%" : "Processing…",
        CutoutTaskState.Downloading => "Saving the result…",
        CutoutTaskState.Succeeded => "Done",
        CutoutTaskState.Failed => "Failed",
        CutoutTaskState.Canceled => "Canceled",
        _ => state.ToString(),
    };

    /// <summary>The bar's value: the provider's percentage while processing, otherwise a step that shows where the task is.</summary>
    public static double ProgressValue(CutoutTaskState state, int? progress) => state switch
    {
        CutoutTaskState.Queued => 5,
        CutoutTaskState.Submitting => 15,
        CutoutTaskState.Processing => Math.Clamp(20 + (progress ?? 0) * 0.7, 20, 90),
        CutoutTaskState.Downloading => 92,
        _ => 100,
    };

    /// <summary>How a state looks: on History's chip and on a Studio card's progress bar.</summary>
    public static StatusTone Tone(CutoutTaskState state) => state switch
    {
        CutoutTaskState.Succeeded => StatusTone.Success,
        CutoutTaskState.Failed => StatusTone.Danger,
        CutoutTaskState.Canceled => StatusTone.Neutral,
        CutoutTaskState.Queued => StatusTone.Neutral,
        _ => StatusTone.Info,
    };

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    /// <summary>A charged task whose price nobody knows: never "Free".</summary>
    public const string PriceNotSet = "price not set";

    public static string Cost(TaskView task)
    {
        if (task.Cost is not { } cost)
            return task.State.IsFinal() ? "–" : "…";
        if (task.CostUnpriced)
            return PriceNotSet;
        if (cost == 0)
            return "Free";
        var text = Amount(cost, task.CostUnit);
        return task.CostEstimated ? "≈ " + text : text;
    }

    /// <summary>"1 coin", "2.5 coins": units are plural words from price tables ("coins", "credits"), said once per amount.</summary>
    public static string Amount(decimal amount, string? unit)
    {
        var number = amount.ToString("0.##", CultureInfo.InvariantCulture);
        if (string.IsNullOrWhiteSpace(unit)) return number;
        var word = amount == 1 && unit.Length > 1 && unit.EndsWith('s') ? unit[..^1] : unit;
        return $"{number} {word}";
    }

    /// <summary>"1 credit per image"; with several results per image (generated backgrounds) "3 credits per photo sent (3 results)".</summary>
    public static string Price(ProviderDescriptor descriptor, ProviderOperation operation, int batchSize = 1)
    {
        var estimate = descriptor.Prices.Estimate(operation, batchSize);
        if (estimate.Amount == 0)
            return descriptor.ReportsCost ? $"{Capitalised(estimate.Unit)} as {descriptor.DisplayName} reports them"
                : descriptor.UnpricedOperations.Contains(operation) ? "Price not set" : "Free";
        // "per image" would read as per result once one photo gives several.
        return batchSize > 1
            ? $"{Amount(estimate.Amount, estimate.Unit)} per photo sent ({batchSize} results)"
            : $"{Amount(estimate.Amount, estimate.Unit)} per image";
    }

    private static string Capitalised(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "",
        { TotalSeconds: < 60 } d => d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        { } d => $"{(int)d.TotalMinutes} min {d.Seconds} s",
    };

    public static string Format(OutputFormat format) => format.ToString().ToUpperInvariant();

    public static string Output(OutputKind kind) => kind switch
    {
        OutputKind.ImageAndMask => "Image + mask",
        OutputKind.Mask => "Mask only",
        _ => "Image",
    };

    public static string Subject(SubjectType type) => type switch
    {
        SubjectType.Auto => "Auto",
        _ => type.ToString(),
    };

    /// <summary>The result to show first: the image, else the mask.</summary>
    public static TaskAssetView? MainResult(TaskView task) =>
        task.Results.FirstOrDefault(r => r.Role == TaskAssetRole.Result) ?? task.Results.FirstOrDefault(r => r.Role == TaskAssetRole.Mask);

    /// <summary>The result images, in order: one for a cut-out, one per generated background for a batch.</summary>
    public static IReadOnlyList<TaskAssetView> Images(TaskView task) => task.Results.Where(r => r.Role == TaskAssetRole.Result).ToList();

    public static TaskAssetView? Mask(TaskView task) => task.Results.FirstOrDefault(r => r.Role == TaskAssetRole.Mask);
}
