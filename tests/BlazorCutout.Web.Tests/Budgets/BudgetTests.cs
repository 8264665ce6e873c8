using BlazorCutout.Providers;
using BlazorCutout.Web.Budgets;
using BlazorCutout.Web.Data.Budgets;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Budgets;

/// <summary>Budgets at their boundary, through the real TaskService over a real SQLite file (the worker off: tasks stay queued, so their coins are reservations).</summary>
public sealed class BudgetTests
{
    private static NewTaskRequest Request(string providerId, Guid? teamId = null) =>
        new(providerId, ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("photo.png", "image/png", TestImages.Source), TeamId: teamId);

    private static TasksApp QueuedOnly(string? dataDirectory = null) => new TasksApp(dataDirectory).WithSetting("BlazorCutout:Tasks:RunWorker", "false");

    private static DateTime NextMonthUtc()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
    }

    [Fact]
    public async Task The_task_that_would_cross_a_users_monthly_coin_budget_is_refused_and_the_one_before_it_accepted()
    {
        await using var app = QueuedOnly().WithProvider(new ScriptedProvider("priced")); // 2 coins a task
        var userId = await app.CreateUserAsync();
        // Already spent this month: 1 coin (counts), 50 credits (another unit) and 9 coins last month (another period).
        await app.DbAsync(async db =>
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            db.CostEntries.AddRange(
                Ledger(userId, 1m, "coins", today),
                Ledger(userId, 50m, "credits", today),
                Ledger(userId, 9m, "coins", new DateOnly(today.Year, today.Month, 1).AddDays(-1)));
            return await db.SaveChangesAsync();
        });
        await app.Services.GetRequiredService<BudgetService>().SetAsync(BudgetScope.User, userId, BudgetKind.MonthlyCoins, "coins", 5m, "admin");

        await app.Tasks.SubmitAsync(userId, Request("priced")); // 1 + 2 = 3
        await app.Tasks.SubmitAsync(userId, Request("priced")); // 3 + 2 = 5: exactly the limit, accepted
        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Tasks.SubmitAsync(userId, Request("priced")));

        Assert.Equal(BudgetService.BudgetExceededCode, refused.Code);
        Assert.Contains("your monthly budget of 5 coins (5 used)", refused.Message);
        Assert.Contains($"resets on {NextMonthUtc():yyyy-MM-dd} at 00:00 UTC", refused.Message);
        Assert.Contains("Nothing was queued or charged", refused.Message);
        Assert.Equal(2, await app.DbAsync(db => db.Tasks.CountAsync(t => t.OwnerId == userId)));
        Assert.Equal(2, await app.DbAsync(db => db.Assets.CountAsync(a => a.OwnerId == userId))); // the refused upload was not kept
        Assert.Equal(3, await app.DbAsync(db => db.CostEntries.CountAsync(c => c.UserId == userId)));

        var status = Assert.Single(await app.Services.GetRequiredService<BudgetService>().ListAsync());
        Assert.Equal(5m, status.Used);
        Assert.True(status.NearOrOver);
    }

    [Fact]
    public async Task A_teams_daily_task_limit_counts_free_tasks_and_only_the_tasks_run_for_the_team()
    {
        await using var app = QueuedOnly().WithProvider(new ScriptedProvider("free", prices: PriceTable.Free));
        var userId = await app.CreateUserAsync();
        var teamId = await CreateTeamAsync(app, "Design", userId);
        await app.Services.GetRequiredService<BudgetService>().SetAsync(BudgetScope.Team, teamId.ToString(), BudgetKind.DailyTasks, null, 2m, "admin");

        await app.Tasks.SubmitAsync(userId, Request("free", teamId));
        await app.Tasks.SubmitAsync(userId, Request("free")); // personal: not the team's
        await app.Tasks.SubmitAsync(userId, Request("free", teamId));
        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Tasks.SubmitAsync(userId, Request("free", teamId)));

        Assert.Contains("The team “Design”’s daily limit of 2 tasks is reached (2 today)", refused.Message);
        Assert.Contains($"resets on {DateTime.UtcNow.Date.AddDays(1):yyyy-MM-dd} at 00:00 UTC", refused.Message);
        await app.Tasks.SubmitAsync(userId, Request("free")); // personal tasks still go
        Assert.Equal(2, await app.DbAsync(db => db.Tasks.CountAsync(t => t.TeamId == teamId)));
        Assert.Equal(4, await app.DbAsync(db => db.Tasks.CountAsync(t => t.OwnerId == userId)));
    }

    [Fact]
    public async Task A_retry_is_a_new_task_and_is_checked_like_one()
    {
        await using var app = QueuedOnly().WithProvider(new ScriptedProvider("priced"));
        var userId = await app.CreateUserAsync();
        var first = await app.Tasks.SubmitAsync(userId, Request("priced"));
        await app.Tasks.CancelAsync(userId, first.Id);
        await app.Services.GetRequiredService<BudgetService>().SetAsync(BudgetScope.User, userId, BudgetKind.DailyTasks, null, 1m, "admin");

        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Tasks.RetryAsync(userId, first.Id));

        Assert.Equal(BudgetService.BudgetExceededCode, refused.Code);
        Assert.Equal(1, await app.DbAsync(db => db.Tasks.CountAsync(t => t.OwnerId == userId)));
    }

    [Fact]
    public async Task Two_concurrent_submissions_with_room_for_one_cannot_both_be_accepted()
    {
        var provider = new ScriptedProvider("priced"); // 2 coins a task
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            // Two hosts over one database (two processes' worth of write gates), each submitting at once.
            await using var one = QueuedOnly(dataDirectory).WithProvider(provider);
            var userId = await one.CreateUserAsync();
            await one.Services.GetRequiredService<BudgetService>().SetAsync(BudgetScope.User, userId, BudgetKind.MonthlyCoins, "coins", 4m, "admin");
            await using var two = QueuedOnly(dataDirectory).WithProvider(provider);
            _ = two.Tasks; // started before the race

            for (var round = 0; round < 3; round++)
            {
                var attempts = new[] { one, one, two, two }.Select(app => Task.Run(() => app.Tasks.SubmitAsync(userId, Request("priced")))).ToArray();
                var outcomes = await Task.WhenAll(attempts.Select(async t =>
                {
                    try { await t; return true; }
                    catch (TaskRejectedException e) when (e.Code == BudgetService.BudgetExceededCode) { return false; }
                }));
                // Room for 2 tasks (4 coins) in all; each round after the first finds none.
                Assert.Equal(round == 0 ? 2 : 0, outcomes.Count(ok => ok));
            }
            Assert.Equal(2, await one.DbAsync(db => db.Tasks.CountAsync(t => t.OwnerId == userId)));
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task Bad_limits_get_a_clear_message_and_change_nothing()
    {
        await using var app = QueuedOnly();
        var userId = await app.CreateUserAsync();
        var budgets = app.Services.GetRequiredService<BudgetService>();

        Assert.Contains("Name the unit", (await Assert.ThrowsAsync<BudgetException>(() => budgets.SetAsync(BudgetScope.User, userId, BudgetKind.MonthlyCoins, " ", 5, "a"))).Message);
        Assert.Contains("whole number", (await Assert.ThrowsAsync<BudgetException>(() => budgets.SetAsync(BudgetScope.User, userId, BudgetKind.DailyTasks, null, 2.5m, "a"))).Message);
        Assert.Contains("between 0", (await Assert.ThrowsAsync<BudgetException>(() => budgets.SetAsync(BudgetScope.User, userId, BudgetKind.DailyTasks, null, -1, "a"))).Message);
        Assert.Contains("no such team", (await Assert.ThrowsAsync<BudgetException>(() => budgets.SetAsync(BudgetScope.Team, Guid.NewGuid().ToString(), BudgetKind.DailyTasks, null, 1, "a"))).Message);
        Assert.Empty(await budgets.ListAsync());
    }

    internal static CostEntry Ledger(string userId, decimal amount, string unit, DateOnly day, string provider = "priced", Guid? teamId = null) => new()
    {
        TaskId = Guid.NewGuid(),
        UserId = userId,
        TeamId = teamId,
        ProviderId = provider,
        Operation = ProviderOperation.RemoveBackground,
        Amount = amount,
        Unit = unit,
        Estimated = false,
        Day = day,
        RecordedUtc = day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc),
    };

    internal static Task<Guid> CreateTeamAsync(TasksApp app, string name, params string[] members) => app.DbAsync(async db =>
    {
        var team = new Team { Id = Guid.NewGuid(), Name = name, NormalizedName = name.ToUpperInvariant(), CreatedUtc = DateTime.UtcNow };
        db.Teams.Add(team);
        foreach (var m in members) db.TeamMemberships.Add(new TeamMembership { TeamId = team.Id, UserId = m, Role = TeamRole.Member, AddedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return team.Id;
    });
}
