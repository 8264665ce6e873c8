namespace BlazorCutout.Web.Budgets;

/// <summary>
/// The periods budgets count in: UTC days and UTC calendar months, the clock of the cost ledger's <c>Day</c>, so a
/// budget's figure and the usage dashboard's agree for everyone wherever they sit.
/// </summary>
public static class BudgetPeriods
{
    public static DateTime DayStart(DateTimeOffset now) => now.UtcDateTime.Date;

    public static DateTime NextDay(DateTimeOffset now) => DayStart(now).AddDays(1);

    public static DateOnly MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);

    public static DateTime NextMonth(DateTimeOffset now) => MonthStart(now).AddMonths(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>"on 2027-01-01 at 00:00 UTC": what a refusal says about when the limit resets.</summary>
    public static string Describe(DateTime resetUtc) => $"on {resetUtc:yyyy-MM-dd} at 00:00 UTC";
}
