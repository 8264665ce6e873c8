using BlazorCutout.Web.History;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tests.Studio;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;

namespace BlazorCutout.Web.Tests.History;

public sealed class BrowserTimeZoneTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 21, 21, 5, 45, TimeSpan.Zero);

    private static BrowserTimeZone NewZone() => new(new NullJs(), NullLogger<BrowserTimeZone>.Instance);

    [Fact]
    public void Until_the_browser_has_answered_times_are_in_UTC_and_say_so()
    {
        var zone = NewZone();

        Assert.False(zone.IsKnown);
        Assert.Equal("Created (UTC)", zone.Title("Created"));
        Assert.Equal("Today 21:05:45", zone.When(Created, Created.AddMinutes(10)));
        Assert.Equal("2026-11-21T21:05:45+00:00", zone.Iso(Created));
        Assert.Equal("2026-11-21 21:05:45 (UTC)", zone.Exact(Created));
    }

    [Fact]
    public void An_IANA_zone_is_found_on_this_server_despite_invariant_globalization_and_days_follow_it()
    {
        var zone = NewZone();

        zone.Set("Asia/Tokyo", 540);

        Assert.Equal("Asia/Tokyo", zone.Zone!.Id);
        Assert.Equal("Created", zone.Title("Created"));
        Assert.Equal("2026-11-22T06:05:45+09:00", zone.Iso(Created));
        Assert.Equal("2026-11-22 06:05:45 (Asia/Tokyo)", zone.Exact(Created));
        Assert.Equal("Today 06:05:45", zone.When(Created, Created.AddHours(1))); // already the 22nd in Tokyo
        Assert.Equal("2026-11-22 06:05", zone.When(Created, Created.AddHours(18))); // the 23rd there

        zone.Set("Europe/Berlin", 60); // daylight saving follows the zone's rules, not today's offset
        Assert.Equal("2026-07-01T14:00:00+02:00", zone.Iso(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void An_unknown_zone_falls_back_to_the_browser_offset()
    {
        var zone = NewZone();

        zone.Set("Mars/Olympus_Mons", -210);
        Assert.Equal("2026-11-21T17:35:45-03:30", zone.Iso(Created));
        Assert.Equal("2026-11-21 17:35:45 (UTC-03:30)", zone.Exact(Created));

        zone.Set(null, 0);
        Assert.True(zone.IsKnown);
        Assert.Equal("Created", zone.Title("Created"));
        Assert.Equal("2026-11-21T21:05:45+00:00", zone.Iso(Created));
    }

    [Fact]
    public async Task History_titles_the_column_in_UTC_until_the_zone_is_known_then_just_Created()
    {
        await using var renderer = new StudioRenderer();

        var html = await renderer.RenderAsync<HistoryPage>();
        Assert.Contains("Created (UTC)", html);

        renderer.Zone.Set("Asia/Tokyo", 540);
        html = await renderer.RenderAsync<HistoryPage>();
        Assert.DoesNotContain("(UTC)", html);
        Assert.Contains(">Created<", html);
    }

    private sealed class NullJs : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult<TValue>(default!);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => ValueTask.FromResult<TValue>(default!);
    }
}
