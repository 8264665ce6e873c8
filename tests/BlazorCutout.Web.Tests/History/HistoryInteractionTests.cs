using BlazorCutout.Providers;
using BlazorCutout.Web.History;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Tests.Studio;
using Bunit;
using MudBlazor;

namespace BlazorCutout.Web.Tests.History;

/// <summary>History's grid as a user works it: picking filters, resetting them, selecting rows.</summary>
public sealed class HistoryInteractionTests
{
    [Fact]
    public async Task Picking_a_state_and_an_operation_asks_the_server_for_the_first_page_of_those_and_reset_drops_them()
    {
        await using var renderer = new StudioRenderer();
        var history = renderer.Render<HistoryPage>();
        history.WaitForAssertion(() => Assert.NotEmpty(renderer.Tasks.Queries)); // the grid loads its first page itself
        Assert.True(history.Find("[data-testid=filter-reset]").HasAttribute("disabled"));

        Pick<CutoutTaskState?>(renderer, history, "Failed");
        history.WaitForAssertion(() => Assert.Equal(CutoutTaskState.Failed, renderer.Tasks.Queries[^1].State));
        Pick<ProviderOperation?>(renderer, history, "Segment by points");
        history.WaitForAssertion(() => Assert.Equal(ProviderOperation.SegmentByPoints, renderer.Tasks.Queries[^1].Operation));
        var query = renderer.Tasks.Queries[^1];
        Assert.Equal(CutoutTaskState.Failed, query.State); // the filters add up
        Assert.Equal(0, query.Skip);
        Assert.Contains("No task matches these filters.", history.Find("[data-testid=history-grid]").TextContent);

        history.Find("[data-testid=filter-reset]").Click();
        history.WaitForAssertion(() => Assert.Equal(new TaskQuery(Skip: 0, Take: query.Take), renderer.Tasks.Queries[^1] with { OrderBy = TaskOrder.Created, Ascending = false }));
        Assert.Null(renderer.Tasks.Queries[^1].State);
        Assert.Contains("No tasks yet", history.Find("[data-testid=history-grid]").TextContent);
    }

    [Fact]
    public async Task Ticking_the_header_box_selects_the_page_offers_one_zip_and_unticking_a_row_updates_it()
    {
        var tasks = new FakeTaskService();
        tasks.Stored.AddRange([FakeTaskService.Task(CutoutTaskState.Succeeded), FakeTaskService.Task(CutoutTaskState.Succeeded), FakeTaskService.Task(CutoutTaskState.Failed, error: "No.")]);
        await using var renderer = new StudioRenderer(tasks);
        var history = renderer.Render<HistoryPage>();
        history.WaitForAssertion(() => Assert.Equal(3, history.FindAll("tr.history-row").Count));

        StudioInteractionTests.CheckBox(history.Find("[data-testid=history-select-page]")).Change(true);

        Assert.Equal("3 selected", history.Find("[data-testid=history-selected-count]").TextContent);
        var zip = history.Find("[data-testid=history-download-selected]");
        Assert.Equal(AssetArchive.Url(tasks.Stored.Select(t => t.Id)), zip.GetAttribute("href"));
        Assert.Contains("Download selected (2)", zip.TextContent); // the failed task has no image to give

        StudioInteractionTests.CheckBox(history.FindAll("[data-testid=history-select]")[0]).Change(false);

        Assert.Equal("2 selected", history.Find("[data-testid=history-selected-count]").TextContent);
        Assert.Equal(AssetArchive.Url(tasks.Stored.Skip(1).Select(t => t.Id)), history.Find("[data-testid=history-download-selected]").GetAttribute("href"));
    }

    /// <summary>Opens a filter's list and clicks the entry that reads <paramref name="text"/> (the list is drawn in the popover provider).</summary>
    internal static void Pick<T>(StudioRenderer renderer, IRenderedComponent<HistoryPage> history, string text)
    {
        var control = history.FindComponent<MudSelect<T>>().Find(".mud-input-control");
        control.MouseDown();
        if (!renderer.Popovers.FindAll(".mud-list-item").Any(i => i.TextContent.Trim() == text))
            control.Click();
        renderer.Popovers.WaitForAssertion(() => Assert.Contains(renderer.Popovers.FindAll(".mud-list-item"), i => i.TextContent.Trim() == text));
        renderer.Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == text).Click();
    }
}
