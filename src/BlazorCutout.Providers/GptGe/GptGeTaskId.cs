using System.Globalization;

namespace BlazorCutout.Providers.GptGe;

/// <summary>
/// DECISION: the poll answer does not say how many images a background task was asked for, yet a batch of N must yield N
/// results or a clear partial failure. The provider task id we hand to the pipeline therefore carries N:
/// <c>&lt;task_id&gt;</c> for cut-outs, <c>&lt;task_id&gt;#n=&lt;N&gt;</c> for background generation. Everything needed to resume after a
/// restart stays in the one persisted id.
/// </summary>
public readonly record struct GptGeTaskId(string TaskId, int? BatchSize)
{
    private const string Separator = "#n=";

    public override string ToString() => BatchSize is { } n ? $"{TaskId}{Separator}{n.ToString(CultureInfo.InvariantCulture)}" : TaskId;

    public static GptGeTaskId Parse(string value)
    {
        var i = value.LastIndexOf(Separator, StringComparison.Ordinal);
        if (i > 0 && int.TryParse(value.AsSpan(i + Separator.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= JobOptions.MaxBatchSize)
            return new GptGeTaskId(value[..i], n);
        return new GptGeTaskId(value, null);
    }
}
