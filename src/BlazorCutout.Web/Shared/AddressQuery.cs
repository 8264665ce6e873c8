using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace BlazorCutout.Web.Shared;

/// <summary>
/// A page's view kept in its address's query (History's and the Gallery's filters): read when the page opens or a
/// link changes it, written back in place as the view changes, so a reload or a passed-on link opens the same view.
/// </summary>
public static class AddressQuery
{
    /// <summary>Reads one parameter of an absolute address: its value as written, or null when it is absent.</summary>
    public static Func<string, string?> Reader(string uri)
    {
        var query = QueryHelpers.ParseQuery(new Uri(uri, UriKind.Absolute).Query);
        return name => query.TryGetValue(name, out var values) ? values.ToString() : null;
    }

    /// <summary>A day as addresses write it (yyyy-MM-dd); null when the text is not one.</summary>
    public static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    public static string? DayText(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Puts these parameters into the address (a null removes one; others' parameters stay), replacing the history
    /// entry: changing a view is not a trail of Back steps. Nothing happens when the address says so already.
    /// </summary>
    public static void ReplaceQuery(this NavigationManager navigation, IReadOnlyDictionary<string, object?> parameters)
    {
        var uri = navigation.GetUriWithQueryParameters(parameters);
        if (uri != navigation.Uri)
            navigation.NavigateTo(uri, replace: true);
    }
}
