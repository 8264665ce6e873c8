using BlazorCutout.Providers;
using BlazorCutout.Web.Teams;
using BlazorCutout.Web.Shared;
using MudBlazor;

namespace BlazorCutout.Web.Gallery;

/// <summary>
/// The gallery's filters as the page holds them; <see cref="ToQuery"/> turns the date range (the user's local days) into
/// instants. The address holds them too (<c>?team=&amp;operation=&amp;provider=&amp;member=&amp;from=&amp;to=&amp;tag=&amp;q=</c>),
/// as History's does, so a reload or a link passed to a teammate opens the same selection.
/// </summary>
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

    /// <summary>The filters an address asks for; a value that does not parse is ignored (that filter stays open), never refused.</summary>
    public static GalleryFilters Parse(string uri)
    {
        var read = AddressQuery.Reader(uri);
        string? Get(string name) => Blank(read(name));

        DateTime? from = Day(Get("from")), to = Day(Get("to"));
        return new GalleryFilters(
            Guid.TryParse(Get("team"), out var team) ? team : null,
            Enum.TryParse<ProviderOperation>(Get("operation"), ignoreCase: true, out var o) && Enum.IsDefined(o) ? o : null,
            Get("provider"),
            Get("member"),
            from is null && to is null ? null : new DateRange(from, to),
            Get("tag"),
            Get("q"));
    }

    /// <summary>Every parameter the filters own, for <c>NavigationManager.GetUriWithQueryParameters</c> (a null removes one).</summary>
    public IReadOnlyDictionary<string, object?> QueryParameters() => new Dictionary<string, object?>
    {
        ["team"] = TeamId?.ToString("N"),
        ["operation"] = Operation?.ToString().ToLowerInvariant(),
        ["provider"] = Blank(ProviderId),
        ["member"] = Blank(MemberId),
        ["from"] = AddressQuery.DayText(Shared?.Start is { } start ? DateOnly.FromDateTime(start) : null),
        ["to"] = AddressQuery.DayText(Shared?.End is { } end ? DateOnly.FromDateTime(end) : null),
        ["tag"] = Blank(Tag),
        ["q"] = Blank(Search),
    };

    /// <summary>Two filter sets ask for the same items (a date range compares by its days, not as an object).</summary>
    public bool SameAs(GalleryFilters other) =>
        QueryParameters().OrderBy(p => p.Key).SequenceEqual(other.QueryParameters().OrderBy(p => p.Key));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static DateTime? Day(string? text) => AddressQuery.Day(text)?.ToDateTime(TimeOnly.MinValue);
}
