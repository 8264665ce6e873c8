using Bunit;
using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;

namespace BlazorCutout.Web.Tests.Studio;

/// <summary>The ZIP links the pages offer: one for a task with several results, and the image count they announce.</summary>
public sealed class ArchiveLinkTests
{
    [Fact]
    public async Task The_result_view_offers_all_results_as_one_zip_only_when_there_are_several()
    {
        await using var renderer = new StudioRenderer();
        var batch = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: false) with
        {
            Operation = ProviderOperation.GenerateBackground,
            Results = [FakeTaskService.Asset(TaskAssetRole.Result), FakeTaskService.Asset(TaskAssetRole.Result)],
        };

        var view = renderer.Render<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = batch });
        Assert.Equal(AssetArchive.Url([batch.Id]), view.Find("[data-testid=download-all-results]").GetAttribute("href"));
        Assert.Equal($"/assets/zip?tasks={batch.Id:N}", AssetArchive.Url([batch.Id]));

        var single = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: true);
        var html = await renderer.RenderAsync<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = single });
        Assert.DoesNotContain("download-all-results", html);
    }

    [Fact]
    public void The_announced_count_is_what_the_zip_holds_images_of_succeeded_tasks_and_a_mask_only_where_there_is_no_image()
    {
        var imageAndMask = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: true);
        var maskOnly = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: false) with { Results = [FakeTaskService.Asset(TaskAssetRole.Mask)] };
        var batch = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: false) with
        {
            Results = [FakeTaskService.Asset(TaskAssetRole.Result), FakeTaskService.Asset(TaskAssetRole.Result), FakeTaskService.Asset(TaskAssetRole.Result)],
        };
        var running = FakeTaskService.Task(CutoutTaskState.Processing, progress: 40);

        Assert.Equal(1, AssetArchive.ImageCount([imageAndMask]));
        Assert.Equal(1, AssetArchive.ImageCount([maskOnly]));
        Assert.Equal(3, AssetArchive.ImageCount([batch]));
        Assert.Equal(0, AssetArchive.ImageCount([running]));
        Assert.Equal(5, AssetArchive.ImageCount([imageAndMask, maskOnly, batch, running]));
    }
}
