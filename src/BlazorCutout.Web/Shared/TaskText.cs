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

    /// <summary>
    /// A task's state in the words of the provider doing it: the built-in engine is "Cutting out… 40%" from the start
    /// (it runs inside the submission, nothing is sent anywhere); a service is "Sent to PicWish, waiting… 12 s" until it
    /// reports a percentage of its own.
    /// </summary>
    /// <param name="waited">Since the task was sent; shown while a service gives no percentage.</param>
    public static string State(CutoutTaskState state, int? progress, ProviderDescriptor provider, TimeSpan? waited) => state switch
    {
        CutoutTaskState.Submitting or CutoutTaskState.Processing when provider.IsSynchronous => progress is { } p ? $"Cutting out… {p}%" : "Cutting out…",
        CutoutTaskState.Submitting => $"Sending to {provider.DisplayName}…",
        CutoutTaskState.Processing when progress is { } p => $"{provider.DisplayName} is working on it · {p}%",
        CutoutTaskState.Processing => $"Sent to {provider.DisplayName}, waiting…{(waited is { } w ? " " + Seconds(w) : "")}",
        CutoutTaskState.Downloading when !provider.IsSynchronous => $"Fetching the result from {provider.DisplayName}…",
        _ => State(state, progress),
    };

    private static string Seconds(TimeSpan span) => span.TotalSeconds < 60
        ? $"{Math.Max(0, (int)span.TotalSeconds)} s"
        : $"{(int)span.TotalMinutes} min {span.Seconds} s";

    /// <summary>
    /// The bar's value: the provider's percentage while it works (the engine reports one while it is being "submitted",
    /// since it runs inside that call), otherwise a step that shows where the task is.
    /// </summary>
    public static double ProgressValue(CutoutTaskState state, int? progress) => state switch
    {
        CutoutTaskState.Queued => 5,
        CutoutTaskState.Submitting => progress is { } p ? Math.Clamp(15 + p * 0.75, 15, 90) : 15,
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
    /// <remarks>
    /// The one place a price is worded (the Studio's picker and batch hint, the admin's provider list). An operation the
    /// provider cannot do has no price: "Free" there would contradict the price of what it can do.
    /// </remarks>
    public static string Price(ProviderDescriptor descriptor, ProviderOperation operation, int batchSize = 1)
    {
        if (!descriptor.Supports(operation) && !descriptor.IsFree)
            return NotOffered;
        var estimate = descriptor.Prices.Estimate(operation, batchSize);
        if (estimate.Amount == 0)
            return descriptor.ReportsCost ? $"{Capitalised(estimate.Unit)} as {descriptor.DisplayName} reports them"
                : descriptor.UnpricedOperations.Contains(operation) ? "Price not set" : "Free";
        // "per image" would read as per result once one photo gives several.
        return batchSize > 1
            ? $"{Amount(estimate.Amount, estimate.Unit)} per photo sent ({batchSize} results)"
            : $"{Amount(estimate.Amount, estimate.Unit)} per image";
    }

    /// <summary>The price of an operation the provider does not offer.</summary>
    public const string NotOffered = "Not offered";

    /// <summary>"1 task", "2 tasks": the count and the word, singular for exactly one.</summary>
    public static string Count(int count, string singular, string? plural = null) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {(count == 1 ? singular : plural ?? singular + "s")}";

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
