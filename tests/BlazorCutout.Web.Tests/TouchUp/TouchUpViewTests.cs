using BlazorCutout.Providers;
using Bunit;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Studio;

namespace BlazorCutout.Web.Tests.TouchUp;

/// <summary>What the result view offers around the brush: "Touch up" only to who may edit a result it can work on; a touched-up result's original.</summary>
public sealed class TouchUpViewTests
{
    [Fact]
    public async Task Touch_up_is_offered_only_to_who_may_edit_an_uncropped_cutout()
    {
        await using var renderer = new StudioRenderer();
        var task = FakeTaskService.Task(CutoutTaskState.Succeeded);

        Assert.Empty(Render(renderer, task).FindAll("[data-testid=touch-up]"));

        renderer.TouchUps.MayEdit = true;
        Assert.Single(Render(renderer, task).FindAll("[data-testid=touch-up]"));
        var cropped = task with { Results = [FakeTaskService.Asset(TaskAssetRole.Result, width: 200, height: 300)] };
        Assert.Empty(Render(renderer, cropped).FindAll("[data-testid=touch-up]"));
        var background = task with { Operation = ProviderOperation.GenerateBackground };
        Assert.Empty(Render(renderer, background).FindAll("[data-testid=touch-up]"));
        // A service's rescaled result has the photo's shape: it can be touched up.
        var rescaled = task with { Results = [FakeTaskService.Asset(TaskAssetRole.Result, width: 320, height: 240)] };
        Assert.Single(Render(renderer, rescaled).FindAll("[data-testid=touch-up]"));
    }

    [Fact]
    public async Task A_touched_up_result_shows_its_version_and_offers_the_original()
    {
        await using var renderer = new StudioRenderer();
        var original = FakeTaskService.Asset(TaskAssetRole.Result);
        var edited = FakeTaskService.Asset(TaskAssetRole.Result) with { Version = 2, Original = original };
        var task = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: false) with { Results = [edited] };

        var view = Render(renderer, task);

        Assert.Equal(edited.Url, view.Find("[data-testid=viewer-after]").GetAttribute("src"));
        Assert.Equal(original.DownloadUrl, view.Find("[data-testid=download-original]").GetAttribute("href"));
        Assert.Equal(original.Url, view.Find("[data-testid=view-original]").GetAttribute("href"));
        Assert.Contains("version 3", view.Find("[data-testid=touched-up-note]").TextContent);
        Assert.Empty(Render(renderer, FakeTaskService.Task(CutoutTaskState.Succeeded)).FindAll("[data-testid=download-original]"));
    }

    private static IRenderedComponent<TaskResultView> Render(StudioRenderer renderer, TaskView task) =>
        renderer.Render<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = task });
}
