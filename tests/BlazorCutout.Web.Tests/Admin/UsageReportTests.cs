using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using BlazorCutout.Providers;
using BlazorCutout.Web.Admin.Usage;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Budgets;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Admin;

/// <summary>The usage dashboard's figures against a seeded ledger and seeded tasks whose totals are known to the coin.</summary>
public sealed class UsageReportTests
{
    private static readonly DateOnly Day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
    private static readonly UsageRange Week = new(Day.AddDays(-6), Day);

    private sealed record Seeded(string A, string B, Guid Team);

    /// <summary>
    /// In the range: 7 tasks (4 succeeded, 3 failed); ledger credits 1.5 + 2.25 estimated (PicWish), coins 3 + 4
    /// reported and 0.5 estimated (HitPaw; the 4 belongs to a deleted task), 0 coins (local), 1 unpriced row.
    /// Outside it: one task and 100 credits.
    /// </summary>
    private static async Task<Seeded> SeedAsync(TasksApp app, string? a = null)
    {
        a ??= await app.CreateUserAsync();
        var b = await app.CreateUserAsync();
        var team = await BudgetTests.CreateTeamAsync(app, "Design", a);
        await app.DbAsync(async db =>
        {
            db.Tasks.AddRange(
                Task(a, "picwish", CutoutTaskState.Succeeded, 1000, team: team),
                Task(a, "picwish", CutoutTaskState.Succeeded, 3000),
                Task(a, "picwish", CutoutTaskState.Failed, error: "KeyRefused"),
                Task(b, "hitpaw", CutoutTaskState.Succeeded, 2000),
                Task(b, "hitpaw", CutoutTaskState.Failed, error: "CoinsExhausted"),
                Task(b, "hitpaw", CutoutTaskState.Failed, error: "CoinsExhausted"),
                Task(b, "local", CutoutTaskState.Succeeded, 500),
                Task(a, "picwish", CutoutTaskState.Succeeded, 100, day: Day.AddDays(-30)));
            db.CostEntries.AddRange(
                Estimated(BudgetTests.Ledger(a, 1.5m, "credits", Day, "picwish", team)),
                Estimated(BudgetTests.Ledger(a, 2.25m, "credits", Day, "picwish")),
                BudgetTests.Ledger(b, 3m, "coins", Day, "hitpaw"),
                BudgetTests.Ledger(b, 4m, "coins", Day.AddDays(-2), "hitpaw"),
                Estimated(BudgetTests.Ledger(b, 0.5m, "coins", Day, "hitpaw")),
                BudgetTests.Ledger(b, 0m, "coins", Day, "local"),
                BudgetTests.Ledger(a, 100m, "credits", Day.AddDays(-30), "picwish"));
            return await db.SaveChangesAsync();
        });
        return new Seeded(a, b, team);
    }

    private static CostEntry Estimated(CostEntry c)
    {
        c.Estimated = true;
        return c;
    }

    private static TaskRecord Task(string owner, string provider, CutoutTaskState state, long? ms = null, string? error = null, Guid? team = null, DateOnly? day = null) => new()
    {
        Id = Guid.NewGuid(),
        OwnerId = owner,
        TeamId = team,
        ProviderId = provider,
        Operation = ProviderOperation.RemoveBackground,
        OptionsJson = "{}",
        SourceAssetId = Guid.NewGuid(),
        State = state,
        ErrorCode = error,
        ErrorMessage = error is null ? null : $"{error} happened",
        ProcessingMs = ms,
        CreatedUtc = (day ?? Day).ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc),
        CompletedUtc = (day ?? Day).ToDateTime(new TimeOnly(10, 1), DateTimeKind.Utc),
    };

    [Fact]
    public async Task Totals_tables_failures_and_days_match_the_seeded_ledger_to_the_coin_per_unit()
    {
        await using var app = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false");
        var seeded = await SeedAsync(app);

        var report = await app.Services.GetRequiredService<UsageReporter>().ReportAsync(Week);

        Assert.Equal((7, 4, 3), (report.Tasks, report.Succeeded, report.Failed));
        Assert.Equal([new CoinTotal("coins", 7m, 0.5m, 0), new CoinTotal("credits", 0m, 3.75m, 0)], report.Coins);

        var picwish = Assert.Single(report.ByProvider, r => r.Key == "picwish");
        Assert.Equal((3, 2, 1), (picwish.Tasks, picwish.Succeeded, picwish.Failed));
        Assert.Equal([new CoinTotal("credits", 0m, 3.75m, 0)], picwish.Coins);
        Assert.Equal((1.0, 3.0), (picwish.MedianSeconds, picwish.P95Seconds));
        var hitpaw = Assert.Single(report.ByProvider, r => r.Key == "hitpaw");
        Assert.Equal((3, 1, 2), (hitpaw.Tasks, hitpaw.Succeeded, hitpaw.Failed));
        Assert.Equal(2d / 3, hitpaw.FailureRate, 6);
        Assert.Equal([new CoinTotal("coins", 7m, 0.5m, 0)], hitpaw.Coins);

        var b = Assert.Single(report.ByUser, r => r.Key == seeded.B);
        Assert.Equal(4, b.Tasks);
        Assert.Equal([new CoinTotal("coins", 7m, 0.5m, 0)], b.Coins);
        var team = Assert.Single(report.ByTeam);
        Assert.Equal(("Design", 1), (team.Name, team.Tasks));
        Assert.Equal([new CoinTotal("credits", 0m, 1.5m, 0)], team.Coins);

        Assert.Equal([("CoinsExhausted", 2), ("KeyRefused", 1)], report.TopFailures.Select(f => (f.Code, f.Count)));
        var picwishDay = Assert.Single(report.Days, d => d.ProviderId == "picwish" && d.Day == Day);
        Assert.Equal(3, picwishDay.Tasks);
        Assert.Equal(3.75m, picwishDay.CoinsByUnit["credits"]);
        Assert.Equal(4m, Assert.Single(report.Days, d => d.ProviderId == "hitpaw" && d.Day == Day.AddDays(-2)).CoinsByUnit["coins"]);
    }

    [Fact]
    public async Task The_csv_export_holds_exactly_the_ledger_rows_behind_the_view_and_the_page_shows_the_same_totals()
    {
        await using var app = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false");
        var admin = await app.SignInNewAdminAsync();
        await SeedAsync(app, admin.Id);
        var report = await app.Services.GetRequiredService<UsageReporter>().ReportAsync(Week);

        using var response = await admin.Browser.GetAsync($"/admin/usage/export.csv?{Week.Query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', LedgerCsvRow.Header), lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(6, rows.Count); // the 100 credits of last month are outside the range
        var fromCsv = rows.GroupBy(r => r[8]).Select(g => new CoinTotal(g.Key,
                g.Where(r => r[9] == "false").Sum(r => decimal.Parse(r[7], CultureInfo.InvariantCulture)),
                g.Where(r => r[9] == "true").Sum(r => decimal.Parse(r[7], CultureInfo.InvariantCulture)),
                g.Count(r => r[10] == "false")))
            .OrderBy(c => c.Unit).ToList();
        Assert.Equal(report.Coins, fromCsv);
        Assert.Contains(rows, r => r[4] == "Design" && r[7] == "1.5");

        var html = await admin.Browser.GetPageAsync($"/admin/usage?{Week.Query}");
        Assert.Matches(new Regex("data-testid=\"total-tasks\"[^>]*>7<"), html);
        Assert.Matches(new Regex("data-testid=\"total-failed\"[^>]*>3<"), html);
        Assert.Contains("history?state=Failed&amp;" + Week.Query.Replace("&", "&amp;"), html);
        Assert.Contains("<b>7.5 coins</b>", html);
        Assert.Contains("(7 reported · 0.5 estimated)", html);
        Assert.Contains("<b>3.75 credits</b>", html);
        Assert.Contains("(0 reported · 3.75 estimated)", html);
    }

    [Fact]
    public async Task A_bad_range_gets_a_clear_400()
    {
        await using var app = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false");
        var admin = await app.SignInNewAdminAsync();

        using var reversed = await admin.Browser.GetAsync("/admin/usage/export.csv?from=2026-02-01&to=2026-01-01");
        using var garbage = await admin.Browser.GetAsync("/admin/usage/export.csv?from=yesterday&to=2026-01-01");

        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        Assert.Equal("The range ends before it starts.", await reversed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("yyyy-MM-dd", await garbage.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        Assert.Null(UsageReporter.Percentile([], 50));
        Assert.Equal(2, UsageReporter.Percentile([1, 2, 3, 4], 50));
        Assert.Equal(4, UsageReporter.Percentile([1, 2, 3, 4], 95));
        Assert.Equal(19, UsageReporter.Percentile(Enumerable.Range(1, 20).Select(i => (double)i).ToList(), 95));
    }
}
