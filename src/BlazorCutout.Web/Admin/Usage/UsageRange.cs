using System.Globalization;

namespace BlazorCutout.Web.Admin.Usage;

public enum UsagePreset { Today, Last7Days, Last30Days, ThisMonth, Custom }

/// <summary>
/// Whole UTC days, both ends included: the cost ledger's <c>Day</c> is a UTC day, and budgets count in UTC too, so
/// the dashboard, the budgets and the CSV agree to the coin. In the query string as <c>from</c>/<c>to</c> (yyyy-MM-dd).
/// </summary>
public sealed record UsageRange(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;

    public static UsageRange Of(UsagePreset preset, DateTimeOffset now, UsageRange? custom = null)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return preset switch
        {
            UsagePreset.Today => new(today, today),
            UsagePreset.Last7Days => new(today.AddDays(-6), today),
            UsagePreset.Last30Days => new(today.AddDays(-29), today),
            UsagePreset.ThisMonth => new(new DateOnly(today.Year, today.Month, 1), today),
            _ => custom ?? new(today.AddDays(-6), today),
        };
    }

    /// <summary>Reads <c>from</c>/<c>to</c>; null with a message when they are not two dates in order, at most a year apart.</summary>
    public static UsageRange? Parse(string? from, string? to, out string? error)
    {
        error = null;
        if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f)
            || !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            error = "Give the range as two dates, from and to, written yyyy-MM-dd.";
            return null;
        }
        if (t < f) { error = "The range ends before it starts."; return null; }
        if (t.DayNumber - f.DayNumber + 1 > MaxDays) { error = $"A range is at most {MaxDays} days."; return null; }
        return new(f, t);
    }

    public DateTime StartUtc => From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    public DateTime EndUtc => To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    public IEnumerable<DateOnly> Days => Enumerable.Range(0, To.DayNumber - From.DayNumber + 1).Select(From.AddDays);
    public string Query => $"from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}";
}
