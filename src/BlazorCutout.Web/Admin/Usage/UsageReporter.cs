using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Admin.Usage;

/// <summary>
/// The usage dashboard's figures. Tasks (counts, outcomes, processing times, failure reasons) come from the tasks
/// created in the range; coins come from the cost ledger's rows of the range's days, which outlive deleted tasks.
/// Both are read once and grouped here: SQLite keeps decimals as text and cannot sum them, and an admin range is
/// at most a year of one team's work.
/// </summary>
public sealed class UsageReporter(IDbContextFactory<AppDbContext> dbFactory, ProviderRegistry registry)
{
    public const int TopFailureCount = 5;

    public async Task<UsageReport> ReportAsync(UsageRange range, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (start, end) = (range.StartUtc, range.EndUtc);
        var tasks = await db.Tasks.AsNoTracking()
            .Where(t => t.CreatedUtc >= start && t.CreatedUtc < end)
            .Select(t => new TaskLine(t.OwnerId, t.TeamId, t.ProviderId, t.State, t.ErrorCode, t.ErrorMessage, t.ProcessingMs, t.CreatedUtc))
            .ToListAsync(cancellationToken);
        var ledger = await LedgerAsync(db, range, cancellationToken);

        var userIds = tasks.Select(t => t.OwnerId).Concat(ledger.Select(l => l.UserId)).Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, cancellationToken);
        var teamIds = tasks.Select(t => t.TeamId).Concat(ledger.Select(l => l.TeamId)).OfType<Guid>().Distinct().ToList();
        var teams = await db.Teams.AsNoTracking().Where(t => teamIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);

        var byProvider = Rows(tasks, ledger, t => t.ProviderId, l => l.ProviderId, ProviderName);
        var byUser = Rows(tasks, ledger, t => t.OwnerId, l => l.UserId, id => emails.GetValueOrDefault(id, "(deleted user)"));
        var byTeam = Rows(tasks.Where(t => t.TeamId is not null).ToList(), ledger.Where(l => l.TeamId is not null).ToList(),
            t => t.TeamId!.Value.ToString(), l => l.TeamId!.Value.ToString(), id => teams.GetValueOrDefault(Guid.Parse(id), "(deleted team)"));

        var failures = tasks.Where(t => t.State == CutoutTaskState.Failed)
            .GroupBy(t => t.ErrorCode ?? "Unknown")
            .Select(g => new FailureReason(g.Key, g.Select(t => t.ErrorMessage).FirstOrDefault(m => !string.IsNullOrEmpty(m)) ?? "", g.Count()))
            .OrderByDescending(f => f.Count).ThenBy(f => f.Code, StringComparer.Ordinal)
            .Take(TopFailureCount).ToList();

        var days = range.Days.SelectMany(day => byProvider.Select(p => p.Key).Select(provider => new DayUsage(
            day, provider,
            tasks.Count(t => t.ProviderId == provider && DateOnly.FromDateTime(t.CreatedUtc) == day),
            ledger.Where(l => l.ProviderId == provider && l.Day == day && l.Amount is not null)
                .GroupBy(l => l.Unit).ToDictionary(g => g.Key, g => g.Sum(l => l.Amount!.Value)))))
            .ToList();

        return new UsageReport(range, tasks.Count, tasks.Count(t => t.State == CutoutTaskState.Succeeded), tasks.Count(t => t.State == CutoutTaskState.Failed),
            Coins(ledger), byProvider, byUser, byTeam, failures, days);
    }

    /// <summary>
    /// The ledger rows of the range, oldest first, with e-mails and team names: what the CSV export streams (rows are
    /// read from the database as they are written out, never held all at once).
    /// </summary>
    public async IAsyncEnumerable<LedgerLine> LedgerLinesAsync(UsageRange range, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var emails = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        await foreach (var line in LedgerLinesOf(db, range).WithCancellation(cancellationToken))
            yield return line with
            {
                UserEmail = emails.GetValueOrDefault(line.UserId, "(deleted user)"),
                TeamName = line.TeamId is { } team ? teams.GetValueOrDefault(team, "(deleted team)") : null,
            };
    }

    private static async Task<List<LedgerLine>> LedgerAsync(AppDbContext db, UsageRange range, CancellationToken cancellationToken)
    {
        var list = new List<LedgerLine>();
        await foreach (var line in LedgerLinesOf(db, range).WithCancellation(cancellationToken)) list.Add(line);
        return list;
    }

    private static IAsyncEnumerable<LedgerLine> LedgerLinesOf(AppDbContext db, UsageRange range)
    {
        var (from, to) = (range.From, range.To);
        // A row the ledger marks Unpriced (the service charges, but no price was reported or set) is read as a null
        // amount, so it lands in its own bucket rather than as 0: unpriced is not free.
        return db.CostEntries.AsNoTracking()
            .Where(c => c.Day >= from && c.Day <= to)
            .OrderBy(c => c.Id)
            .Select(c => new LedgerLine(c.TaskId, c.Day, c.RecordedUtc, c.UserId, "", c.TeamId, null,
                c.ProviderId, c.Operation.ToString(), c.Unpriced ? null : (decimal?)c.Amount, c.Unit, c.Estimated))
            .AsAsyncEnumerable();
    }

    private string ProviderName(string id) => registry.TryGet(id, out var p) ? p.Descriptor.DisplayName : id;

    private static List<UsageRow> Rows(List<TaskLine> tasks, List<LedgerLine> ledger, Func<TaskLine, string> taskKey, Func<LedgerLine, string> ledgerKey, Func<string, string> name)
    {
        var tasksByKey = tasks.ToLookup(taskKey);
        var ledgerByKey = ledger.ToLookup(ledgerKey);
        return tasksByKey.Select(g => g.Key).Union(ledgerByKey.Select(g => g.Key)).Select(key =>
        {
            var own = tasksByKey[key].ToList();
            var times = own.Where(t => t.State == CutoutTaskState.Succeeded && t.ProcessingMs is not null).Select(t => t.ProcessingMs!.Value / 1000d).Order().ToList();
            return new UsageRow(key, name(key), own.Count, own.Count(t => t.State == CutoutTaskState.Succeeded), own.Count(t => t.State == CutoutTaskState.Failed),
                Coins(ledgerByKey[key]), Percentile(times, 50), Percentile(times, 95));
        }).OrderByDescending(r => r.Tasks).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public static IReadOnlyList<CoinTotal> Coins(IEnumerable<LedgerLine> lines) => lines
        .GroupBy(l => l.Unit, StringComparer.OrdinalIgnoreCase)
        .Select(g => new CoinTotal(g.Key,
            g.Where(l => !l.Estimated && l.Amount is not null).Sum(l => l.Amount!.Value),
            g.Where(l => l.Estimated && l.Amount is not null).Sum(l => l.Amount!.Value),
            g.Count(l => l.Amount is null)))
        .OrderBy(c => c.Unit, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Nearest-rank percentile of sorted values (p50 of 1,2,3,4 is 2): always a time that some task took.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, int p)
    {
        if (sorted.Count == 0) return null;
        var rank = (int)Math.Ceiling(p / 100d * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private sealed record TaskLine(string OwnerId, Guid? TeamId, string ProviderId, CutoutTaskState State, string? ErrorCode, string? ErrorMessage, long? ProcessingMs, DateTime CreatedUtc);
}
