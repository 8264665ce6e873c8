using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.History;

/// <summary>
/// What History's filter bar holds. A picked date is a whole day on the user's clock, the clock the grid shows
/// times in: a task made at 23:30 on the 21st in New York is on the 21st, though it is the 22nd in UTC.
/// </summary>
public sealed record HistoryFilters(
    CutoutTaskState? State = null,
    string? ProviderId = null,
    ProviderOperation? Operation = null,
    DateOnly? From = null,
    DateOnly? To = null)
{
    public static readonly HistoryFilters None = new();

    public bool IsEmpty => this == None;

    /// <summary>The service's query: From from the first instant of its day, To up to the first instant after its day.</summary>
    public TaskQuery ToQuery(TimeZoneInfo zone, int skip, int take) => new(
        State,
        ProviderId,
        Operation,
        CreatedFrom: From is { } from ? StartOfDay(from, zone) : null,
        CreatedBefore: To is { } to ? StartOfDay(to.AddDays(1), zone) : null,
        Skip: skip,
        Take: take);

    /// <summary>
    /// The first instant of <paramref name="day"/> in <paramref name="zone"/>. Not always midnight: where the clocks
    /// spring forward at midnight (Havana in March) the day begins at 01:00, and where they fall back at midnight
    /// (Havana in November) midnight happens twice and the day begins at the first.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1); // transitions fall on whole minutes
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        // Through UTC, not new DateTimeOffset(local, offset): historic offsets have seconds, which that refuses.
        return new DateTimeOffset(DateTime.SpecifyKind(local - offset, DateTimeKind.Utc));
    }
}
