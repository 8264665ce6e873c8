using System.Globalization;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Shared;

namespace BlazorCutout.Web.History;

/// <summary>
/// What History shows, as its address holds it: <c>?provider=&amp;state=&amp;operation=&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>
/// (the filters, what the admin usage dashboard links to), <c>&amp;page=</c> (from 1), <c>&amp;size=</c>, <c>&amp;sort=</c>
/// (created, state, provider, operation) and <c>&amp;dir=asc|desc</c>. A reload or a shared link opens the same view.
/// Values at their default are left out, so the plain page stays <c>/history</c>.
/// </summary>
public sealed record HistoryView(
    HistoryFilters Filters,
    int Page = 0,
    int PageSize = HistoryView.DefaultPageSize,
    TaskOrder OrderBy = TaskOrder.Created,
    bool Ascending = false)
{
    public const int DefaultPageSize = 10;

    /// <summary>The page sizes the pager offers; another size in an address is not honoured.</summary>
    public static readonly int[] PageSizes = [10, 20, 50];

    public static readonly HistoryView Default = new(HistoryFilters.None);

    /// <summary>
    /// The view an address asks for. A value that does not parse is ignored (that filter stays open, the page is the
    /// first) rather than refused: an old or hand-edited link still opens History.
    /// </summary>
    public static HistoryView Parse(string uri)
    {
        var Get = AddressQuery.Reader(uri);

        var filters = new HistoryFilters(
            Enum.TryParse<CutoutTaskState>(Get("state"), ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : null,
            string.IsNullOrWhiteSpace(Get("provider")) ? null : Get("provider")!.Trim(),
            Enum.TryParse<ProviderOperation>(Get("operation"), ignoreCase: true, out var o) && Enum.IsDefined(o) ? o : null,
            AddressQuery.Day(Get("from")),
            AddressQuery.Day(Get("to")));
        var page = int.TryParse(Get("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? p - 1 : 0;
        var size = int.TryParse(Get("size"), NumberStyles.None, CultureInfo.InvariantCulture, out var z) && PageSizes.Contains(z) ? z : DefaultPageSize;
        var order = Enum.TryParse<TaskOrder>(Get("sort"), ignoreCase: true, out var t) && Enum.IsDefined(t) ? t : TaskOrder.Created;
        var ascending = string.Equals(Get("dir"), "asc", StringComparison.OrdinalIgnoreCase);
        return new HistoryView(filters, page, size, order, ascending);
    }

    /// <summary>
    /// Every parameter this view owns, for <c>NavigationManager.GetUriWithQueryParameters</c>: a null removes one
    /// that is at its default, and parameters of anyone else are left as they are.
    /// </summary>
    public IReadOnlyDictionary<string, object?> QueryParameters() => new Dictionary<string, object?>
    {
        ["provider"] = Filters.ProviderId,
        ["state"] = Filters.State?.ToString().ToLowerInvariant(),
        ["operation"] = Filters.Operation?.ToString().ToLowerInvariant(),
        ["from"] = AddressQuery.DayText(Filters.From),
        ["to"] = AddressQuery.DayText(Filters.To),
        ["page"] = Page > 0 ? (Page + 1).ToString(CultureInfo.InvariantCulture) : null,
        ["size"] = PageSize != DefaultPageSize ? PageSize.ToString(CultureInfo.InvariantCulture) : null,
        ["sort"] = OrderBy != TaskOrder.Created ? OrderBy.ToString().ToLowerInvariant() : null,
        ["dir"] = Ascending ? "asc" : null,
    };
}
