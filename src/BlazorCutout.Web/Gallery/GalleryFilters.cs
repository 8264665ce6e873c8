using BlazorCutout.Providers;
using BlazorCutout.Web.Teams;
using MudBlazor;

namespace BlazorCutout.Web.Gallery;

/// <summary>The gallery's filters as the page holds them; <see cref="ToQuery"/> turns the date range (the user's local days) into instants.</summary>
public sealed record GalleryFilters(
    Guid? TeamId = null,
    ProviderOperation? Operation = null,
    string? ProviderId = null,
    string? MemberId = null,
    DateRange? Shared = null,
    string? Tag = null,
    string? Search = null)
{
    public bool IsEmpty => (TeamId is null && Operation is null && string.IsNullOrEmpty(ProviderId) && string.IsNullOrEmpty(MemberId)
        && Shared?.Start is null && Shared?.End is null && string.IsNullOrWhiteSpace(Tag) && string.IsNullOrWhiteSpace(Search));

    public GalleryQuery ToQuery(TimeZoneInfo zone, long? after, int take) => new(
        TeamId, Operation, ProviderId, MemberId,
        Shared?.Start is { } from ? StartOfDay(from, zone) : null,
        Shared?.End is { } to ? StartOfDay(to.AddDays(1), zone) : null,
        Tag, Search, after, take);

    private static DateTimeOffset StartOfDay(DateTime day, TimeZoneInfo zone)
    {
        var local = day.Date;
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
