using BlazorCutout.Providers;
using BlazorCutout.Web.History;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tests.History;

/// <summary>History's From/To are whole days on the user's clock (the one the grid shows times in), not UTC days.</summary>
public sealed class HistoryDayFilterTests(HistoryDayFilterTests.App app) : IClassFixture<HistoryDayFilterTests.App>
{
    public sealed class App : IDisposable
    {
        public TasksApp Host { get; } = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false"); // rows only: nothing runs
        public void Dispose() => Host.Dispose();
    }

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Havana = TimeZoneInfo.FindSystemTimeZoneById("America/Havana");

    private static DateOnly Day(int month, int day) => new(2026, month, day);

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_task_made_at_23_30_in_New_York_is_on_that_local_day_though_UTC_has_moved_on()
    {
        var userId = await app.Host.CreateUserAsync();
        var lateOn21st = await TaskCreatedAtAsync(userId, "2026-11-22T04:30:00Z");  // 23:30 on the 21st in New York (UTC−5)
        var earlyOn21st = await TaskCreatedAtAsync(userId, "2026-11-21T05:10:00Z"); // 00:10 on the 21st
        var lateOn20th = await TaskCreatedAtAsync(userId, "2026-11-21T04:50:00Z");  // 23:50 on the 20th
        var earlyOn22nd = await TaskCreatedAtAsync(userId, "2026-11-22T05:30:00Z"); // 00:30 on the 22nd

        Assert.Equal([lateOn21st, earlyOn21st], await IdsAsync(userId, new HistoryFilters(From: Day(11, 21), To: Day(11, 21)), NewYork));
        Assert.Equal([earlyOn22nd, lateOn21st, earlyOn21st], await IdsAsync(userId, new HistoryFilters(From: Day(11, 21)), NewYork));
        Assert.Equal([lateOn21st, earlyOn21st, lateOn20th], await IdsAsync(userId, new HistoryFilters(To: Day(11, 21)), NewYork));

        // Until the browser has said where it is, the grid shows UTC, and the days are UTC days.
        Assert.Equal([earlyOn21st, lateOn20th], await IdsAsync(userId, new HistoryFilters(From: Day(11, 21), To: Day(11, 21)), TimeZoneInfo.Utc));
    }

    [Fact]
    public async Task The_other_filters_still_apply_with_the_days()
    {
        var userId = await app.Host.CreateUserAsync();
        var task = await TaskCreatedAtAsync(userId, "2026-11-22T04:30:00Z");
        var day = Day(11, 21);

        Assert.Equal([task], await IdsAsync(userId, new HistoryFilters(CutoutTaskState.Queued, ProviderRegistry.DefaultProviderId, ProviderOperation.RemoveBackground, day, day), NewYork));
        Assert.Empty(await IdsAsync(userId, new HistoryFilters(State: CutoutTaskState.Failed, From: day, To: day), NewYork));
    }

    [Fact]
    public void Days_across_daylight_saving_changes_are_23_or_25_hours_long()
    {
        Assert.Equal(Utc("2026-03-08T05:00:00Z"), HistoryFilters.StartOfDay(Day(3, 8), NewYork));
        Assert.Equal(TimeSpan.FromHours(23), HistoryFilters.StartOfDay(Day(3, 9), NewYork) - HistoryFilters.StartOfDay(Day(3, 8), NewYork));
        Assert.Equal(TimeSpan.FromHours(25), HistoryFilters.StartOfDay(Day(11, 2), NewYork) - HistoryFilters.StartOfDay(Day(11, 1), NewYork));
        Assert.Equal(TimeSpan.FromHours(24), HistoryFilters.StartOfDay(Day(11, 22), NewYork) - HistoryFilters.StartOfDay(Day(11, 21), NewYork));
    }

    [Fact]
    public void Where_the_clocks_change_at_midnight_a_day_starts_at_its_first_existing_minute()
    {
        // Havana springs forward at midnight on 8 March 2026: 00:00–00:59 never happen, the day starts at 01:00 (UTC−4).
        Assert.Equal(Utc("2026-03-08T05:00:00Z"), HistoryFilters.StartOfDay(Day(3, 8), Havana));
        // It falls back at 01:00 to midnight on 1 November 2026: midnight happens twice, the day starts at the first (UTC−4).
        Assert.Equal(Utc("2026-11-01T04:00:00Z"), HistoryFilters.StartOfDay(Day(11, 1), Havana));
        Assert.Equal(TimeSpan.FromHours(25), HistoryFilters.StartOfDay(Day(11, 2), Havana) - HistoryFilters.StartOfDay(Day(11, 1), Havana));
        Assert.Equal(TimeSpan.FromHours(23), HistoryFilters.StartOfDay(Day(3, 9), Havana) - HistoryFilters.StartOfDay(Day(3, 8), Havana));
    }

    private async Task<Guid> TaskCreatedAtAsync(string userId, string createdUtc)
    {
        var task = await app.Host.Tasks.SubmitAsync(userId, new NewTaskRequest(
            ProviderRegistry.DefaultProviderId, ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("a.png", null, TestImages.Source)));
        var at = Utc(createdUtc).UtcDateTime;
        await app.Host.DbAsync(db => db.Tasks.Where(t => t.Id == task.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.CreatedUtc, at)));
        return task.Id;
    }

    private async Task<List<Guid>> IdsAsync(string userId, HistoryFilters filters, TimeZoneInfo zone) =>
        (await app.Host.Tasks.QueryAsync(userId, filters.ToQuery(zone, skip: 0, take: 50))).Items.Select(t => t.Id).ToList();
}
