using System.Globalization;
using Microsoft.JSInterop;

namespace BlazorCutout.Web.Shared;

/// <summary>
/// The user's time zone, as the browser reports it (wwwroot/js/timezone.js): asked once per circuit (a scoped service)
/// after a page's first render; until then, and when the browser cannot say, times are shown in UTC.
/// </summary>
public sealed class BrowserTimeZone(IJSRuntime js, ILogger<BrowserTimeZone> logger)
{
    private Task? asking;

    /// <summary>The browser's zone: its IANA id when this server knows it, else a fixed zone at the browser's current offset; null until known.</summary>
    public TimeZoneInfo? Zone { get; private set; }

    public bool IsKnown => Zone is not null;

    /// <summary>Asks the browser once (later calls share the answer); call from OnAfterRenderAsync, never while prerendering.</summary>
    public Task EnsureAsync() => asking ??= AskAsync();

    private async Task AskAsync()
    {
        try
        {
            var module = await js.InvokeAsync<IJSObjectReference?>("import", "./js/timezone.js");
            if (module is null)
                return;
            await using (module)
            {
                var facts = await module.InvokeAsync<ZoneFacts?>("timeZone");
                if (facts is not null)
                    Set(facts.Id, facts.OffsetMinutes);
            }
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException or InvalidOperationException)
        {
            logger.LogDebug(ex, "The browser's time zone could not be read; times stay in UTC.");
        }
    }

    /// <summary>Takes the browser's answer: the IANA id when this server knows it, otherwise the offset (minutes east of UTC).</summary>
    public void Set(string? ianaId, int offsetMinutes) => Zone = Find(ianaId) ?? Fixed(offsetMinutes);

    private static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
            return null;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }

    private static TimeZoneInfo Fixed(int offsetMinutes)
    {
        var offset = TimeSpan.FromMinutes(Math.Clamp(offsetMinutes, -14 * 60, 14 * 60));
        if (offset == TimeSpan.Zero)
            return TimeZoneInfo.Utc;
        var name = "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
    }

    /// <summary>The time in the user's zone (UTC until known).</summary>
    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone ?? TimeZoneInfo.Utc);

    /// <summary>"Today 14:03:12" for today (in the user's zone), else "2026-11-20 09:41".</summary>
    public string When(DateTimeOffset at, DateTimeOffset now)
    {
        var local = Local(at);
        return local.Date == Local(now).Date
            ? "Today " + local.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>ISO 8601 with the offset, for a &lt;time datetime&gt;: "2026-11-22T06:05:45+09:00".</summary>
    public string Iso(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>The full time for a tooltip, naming the zone: "2026-11-22 06:05:45 (Asia/Tokyo)".</summary>
    public string Exact(DateTimeOffset at) =>
        Local(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + $" ({(Zone ?? TimeZoneInfo.Utc).Id})";

    /// <summary>A column title: "Created" once the zone is known, "Created (UTC)" before.</summary>
    public string Title(string name) => IsKnown ? name : name + " (UTC)";

    internal sealed record ZoneFacts(string? Id, int OffsetMinutes);
}
