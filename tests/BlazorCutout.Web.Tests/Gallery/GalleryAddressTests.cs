using BlazorCutout.Providers;
using BlazorCutout.Web.Gallery;
using Microsoft.AspNetCore.WebUtilities;
using MudBlazor;

namespace BlazorCutout.Web.Tests.Gallery;

/// <summary>The gallery's filters live in its address, both ways (as History's do).</summary>
public sealed class GalleryAddressTests
{
    private const string Base = "http://localhost/gallery";

    [Fact]
    public void An_address_gives_the_filters_and_the_filters_give_the_same_address_back()
    {
        var team = Guid.NewGuid();
        var filters = GalleryFilters.Parse(
            $"{Base}?team={team:N}&operation=removebackground&provider=picwish&member=user-7&from=2026-11-01&to=2026-11-30&tag=shoes&q=red%20boot");

        Assert.Equal(team, filters.TeamId);
        Assert.Equal(ProviderOperation.RemoveBackground, filters.Operation);
        Assert.Equal(("picwish", "user-7", "shoes", "red boot"), (filters.ProviderId, filters.MemberId, filters.Tag, filters.Search));
        Assert.Equal((new DateTime(2026, 11, 1), new DateTime(2026, 11, 30)), (filters.Shared?.Start, filters.Shared?.End));

        var written = QueryHelpers.AddQueryString(Base, filters.QueryParameters().Where(p => p.Value is not null)
            .Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value)));
        Assert.True(GalleryFilters.Parse(written).SameAs(filters));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?team=not-a-guid&operation=paint&from=2026-13-01&to=yesterday&tag=%20%20&q=")]
    public void What_does_not_parse_is_ignored_and_no_filter_writes_no_parameters(string query)
    {
        var filters = GalleryFilters.Parse(Base + query);

        Assert.True(filters.IsEmpty);
        Assert.All(filters.QueryParameters().Values, Assert.Null);
    }

    [Fact]
    public void Date_ranges_compare_by_their_days()
    {
        var a = new GalleryFilters(Shared: new DateRange(new DateTime(2026, 11, 1), null));
        var b = new GalleryFilters(Shared: new DateRange(new DateTime(2026, 11, 1), null));
        var c = new GalleryFilters(Shared: new DateRange(new DateTime(2026, 11, 2), null));

        Assert.True(a.SameAs(b));
        Assert.False(a.SameAs(c));
    }
}
