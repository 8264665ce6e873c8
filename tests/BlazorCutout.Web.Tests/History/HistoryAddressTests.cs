using BlazorCutout.Providers;
using BlazorCutout.Web.History;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Studio;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BlazorCutout.Web.Tests.History;

/// <summary>Issue #14: History's filters, page, page size and sort live in its address, both ways.</summary>
public sealed class HistoryAddressTests
{
    private const string Base = "http://localhost/";

    [Fact]
    public async Task An_address_gives_the_view_and_the_view_gives_the_same_address_back()
    {
        await using var renderer = new StudioRenderer();
        var view = HistoryView.Parse(Base + "history?provider=local&state=failed&operation=segmentbypoints&from=2026-11-01&to=2026-11-30&page=3&size=20&sort=state&dir=asc");

        Assert.Equal(new HistoryView(
            new HistoryFilters(CutoutTaskState.Failed, "local", ProviderOperation.SegmentByPoints, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)),
            Page: 2, PageSize: 20, OrderBy: TaskOrder.State, Ascending: true), view);
        var written = renderer.Navigation.GetUriWithQueryParameters(Base + "history", view.QueryParameters());
        Assert.Equal(view, HistoryView.Parse(written));
    }

    [Theory]
    [InlineData("history")]
    [InlineData("history?page=0&size=13&sort=colour&dir=sideways&state=nope&from=2026-13-01")]
    [InlineData("history?page=-2&size=&operation=42")]
    public void What_does_not_parse_is_ignored_and_the_default_view_writes_no_parameters(string address)
    {
        var view = HistoryView.Parse(Base + address);

        Assert.Equal(HistoryView.Default, view);
        Assert.All(view.QueryParameters().Values, Assert.Null);
    }

    [Fact]
    public async Task A_shared_link_opens_that_page_size_sort_and_filter()
    {
        var tasks = new FakeTaskService();
        tasks.Stored.AddRange(Enumerable.Range(0, 25).Select(_ => FakeTaskService.Task(CutoutTaskState.Failed, error: "No.")));
        await using var renderer = new StudioRenderer(tasks);
        renderer.Navigation.NavigateTo("history?state=failed&page=2&size=20&sort=provider&dir=asc");

        var history = renderer.Render<HistoryPage>();

        history.WaitForAssertion(() => Assert.Equal((20, 20), (tasks.Queries[^1].Skip, tasks.Queries[^1].Take)));
        var query = tasks.Queries[^1];
        Assert.Equal(CutoutTaskState.Failed, query.State);
        Assert.Equal((TaskOrder.Provider, true), (query.OrderBy, query.Ascending));
        Assert.Equal(CutoutTaskState.Failed, history.FindComponent<MudSelect<CutoutTaskState?>>().Instance.Value); // the filter bar shows it too
    }

    [Fact]
    public async Task An_address_past_the_last_page_shows_the_last_page_and_says_so()
    {
        var tasks = new FakeTaskService();
        tasks.Stored.AddRange(Enumerable.Range(0, 25).Select(_ => FakeTaskService.Task(CutoutTaskState.Failed, error: "No.")));
        await using var renderer = new StudioRenderer(tasks);
        renderer.Navigation.NavigateTo("history?page=7&size=20");

        var history = renderer.Render<HistoryPage>();

        // 25 tasks at 20 a page: page 2 is the last, with 5 rows, and the address is corrected to it.
        history.WaitForAssertion(() => Assert.Equal((20, 20), (tasks.Queries[^1].Skip, tasks.Queries[^1].Take)));
        history.WaitForAssertion(() => Assert.Contains("page=2", renderer.Navigation.Uri));
        Assert.DoesNotContain("page=7", renderer.Navigation.Uri);
        Assert.Contains(renderer.Snackbar.ShownSnackbars, s => s.Message == "There is no page 7 any more: showing page 2, the last.");
    }

    [Fact]
    public async Task Picking_a_filter_writes_it_into_the_address_in_place_and_reset_takes_it_out()
    {
        await using var renderer = new StudioRenderer();
        renderer.Navigation.NavigateTo("history");
        var history = renderer.Render<HistoryPage>();
        history.WaitForAssertion(() => Assert.NotEmpty(renderer.Tasks.Queries));
        var entries = ((BunitNavigationManager)renderer.Navigation).History.Count;

        HistoryInteractionTests.Pick<CutoutTaskState?>(renderer, history, "Failed");

        history.WaitForAssertion(() => Assert.Equal(Base + "history?state=failed", renderer.Navigation.Uri));
        // Replaced, not pushed: Back leaves History instead of stepping through filters.
        Assert.True(((BunitNavigationManager)renderer.Navigation).History.First().Options.ReplaceHistoryEntry);
        Assert.Equal(entries, ((BunitNavigationManager)renderer.Navigation).History.Count);

        history.Find("[data-testid=filter-reset]").Click();
        history.WaitForAssertion(() => Assert.Equal(Base + "history", renderer.Navigation.Uri));
    }
}
