namespace BlazorCutout.Web.Admin.Usage;

/// <summary>
/// Coins of one unit, never added across units (HitPaw coins are not PicWish credits): reported by the service and
/// estimated from our price table kept apart, and ledger rows without a known price counted on their own.
/// </summary>
public sealed record CoinTotal(string Unit, decimal Reported, decimal Estimated, int UnpricedRows)
{
    public decimal Total => Reported + Estimated;
}

/// <summary>One line of the per-provider, per-user or per-team table. <see cref="Key"/> is the provider id, user id or team id.</summary>
public sealed record UsageRow(string Key, string Name, int Tasks, int Succeeded, int Failed, IReadOnlyList<CoinTotal> Coins, double? MedianSeconds, double? P95Seconds)
{
    public double FailureRate => Tasks == 0 ? 0 : (double)Failed / Tasks;
}

public sealed record FailureReason(string Code, string Example, int Count);

/// <summary>One day's tasks and coins of one provider: a point of the stacked charts.</summary>
public sealed record DayUsage(DateOnly Day, string ProviderId, int Tasks, IReadOnlyDictionary<string, decimal> CoinsByUnit);

public sealed record UsageReport(
    UsageRange Range,
    int Tasks,
    int Succeeded,
    int Failed,
    IReadOnlyList<CoinTotal> Coins,
    IReadOnlyList<UsageRow> ByProvider,
    IReadOnlyList<UsageRow> ByUser,
    IReadOnlyList<UsageRow> ByTeam,
    IReadOnlyList<FailureReason> TopFailures,
    IReadOnlyList<DayUsage> Days);

/// <summary>A cost-ledger row as the dashboard and the CSV see it. <see cref="Amount"/> null: the price was not known.</summary>
public sealed record LedgerLine(
    Guid TaskId, DateOnly Day, DateTime RecordedUtc, string UserId, string UserEmail, Guid? TeamId, string? TeamName,
    string ProviderId, string Operation, decimal? Amount, string Unit, bool Estimated);
