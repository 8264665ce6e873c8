using BlazorCutout.Providers;
using BlazorCutout.Providers.Local;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Studio;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Tests.Studio;

public sealed class StudioComponentTests
{
    [Fact]
    public async Task The_provider_picker_shows_capabilities_and_disables_an_unavailable_provider_with_its_reason()
    {
        await using var renderer = new StudioRenderer();

        var html = await renderer.RenderAsync<ProviderPicker>(new Dictionary<string, object?>
        {
            [nameof(ProviderPicker.Providers)] = renderer.Tasks.Choices,
            [nameof(ProviderPicker.SelectedId)] = "local",
        });

        var local = Tile(html, "local");
        Assert.Contains("aria-checked=\"true\"", local);
        Assert.DoesNotContain("disabled", local);
        Assert.Contains("Local engine", local);
        Assert.Contains("Default", local);
        Assert.Contains("≤ 20 MB · ≤ 4096 px · BMP JPEG PNG TIFF WEBP", local); // the upload limit caps the engine's 50 MB
        Assert.Contains("Free", local);
        Assert.Matches("class=\"provider-op \"[^>]*>Points<", local);
        Assert.Matches("class=\"provider-op is-missing\"[^>]*>Text<", local);

        var picwish = Tile(html, "picwish");
        Assert.Contains("disabled", picwish);
        Assert.Contains("aria-checked=\"false\"", picwish);
        Assert.Contains("Unavailable", picwish);
        Assert.Contains("PicWish needs an API key: set Providers:PicWish:ApiKey.", picwish);
        Assert.Contains("1 credit per image", picwish);
    }

    [Fact]
    public async Task The_studio_offers_the_drop_zone_the_url_field_and_says_why_text_prompts_are_off_for_the_local_engine()
    {
        await using var renderer = new StudioRenderer();

        var html = await renderer.RenderAsync<StudioPage>();

        Assert.Contains("data-testid=\"drop-zone\"", html);
        Assert.Contains("for=\"studio-files\"", html);
        Assert.Matches("<input[^>]*id=\"studio-files\"[^>]*multiple", html);
        Assert.Contains("data-testid=\"url-input\"", html);
        Assert.Contains("up to 20 MB · up to 4096×4096 px", html);
        Assert.Contains(LocalEngineProvider.TextUnsupportedReason, html);
        Assert.Contains("PicWish needs an API key", html);
        foreach (var option in new[] { "Subject", "Output", "Format", "Crop to the subject", "Background" })
            Assert.Contains(option, html);
    }

    [Fact]
    public async Task The_before_after_viewer_stacks_both_images_over_the_checkerboard_and_swaps_in_the_mask()
    {
        await using var renderer = new StudioRenderer();
        var parameters = new Dictionary<string, object?>
        {
            [nameof(BeforeAfterViewer.BeforeUrl)] = "/assets/a",
            [nameof(BeforeAfterViewer.AfterUrl)] = "/assets/b",
            [nameof(BeforeAfterViewer.MaskUrl)] = "/assets/m",
            [nameof(BeforeAfterViewer.Width)] = 640,
            [nameof(BeforeAfterViewer.Height)] = 480,
        };

        var html = await renderer.RenderAsync<BeforeAfterViewer>(parameters);
        Assert.Contains("ba-stage checkerboard", html);
        Assert.Contains("aspect-ratio: 640 / 480", html);
        Assert.Matches("<img class=\"ba-after\" src=\"/assets/b\" alt=\"Cut-out\"", html);
        Assert.Contains("src=\"/assets/a\" alt=\"Original\"", html);
        Assert.Matches("<input type=\"range\"[^>]*value=\"50\"", html);
        Assert.DoesNotContain("ba-single", html);

        parameters[nameof(BeforeAfterViewer.ShowMask)] = true;
        html = await renderer.RenderAsync<BeforeAfterViewer>(parameters);
        Assert.Matches("<img class=\"ba-after\" src=\"/assets/m\" alt=\"Mask\"", html);

        parameters[nameof(BeforeAfterViewer.Compare)] = false;
        html = await renderer.RenderAsync<BeforeAfterViewer>(parameters);
        Assert.Contains("ba-single", html);
        Assert.Contains("cropped to the subject", html);
    }

    [Fact]
    public async Task The_result_view_offers_the_mask_toggle_and_both_downloads()
    {
        await using var renderer = new StudioRenderer();
        var task = FakeTaskService.Task(CutoutTaskState.Succeeded);

        var html = await renderer.RenderAsync<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = task, [nameof(TaskResultView.Title)] = "cat.png" });

        Assert.Contains($"href=\"{task.Results[0].DownloadUrl}\"", html);
        Assert.Contains($"href=\"{task.Results[1].DownloadUrl}\"", html);
        Assert.Contains("data-testid=\"mask-toggle\"", html);
        Assert.Contains("Local engine", html);
        Assert.Contains("1.4 s", html);

        var noMask = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: false);
        html = await renderer.RenderAsync<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = noMask });
        Assert.DoesNotContain("data-testid=\"download-mask\"", html);
        Assert.Contains("Choose the output “Image + mask” to get a mask", html);
    }

    [Fact]
    public async Task A_batch_of_backgrounds_shows_every_result_with_its_download_and_the_note_of_a_short_batch()
    {
        await using var renderer = new StudioRenderer();
        var images = new[] { FakeTaskService.Asset(TaskAssetRole.Result), FakeTaskService.Asset(TaskAssetRole.Result), FakeTaskService.Asset(TaskAssetRole.Result) };
        var batch = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: false) with
        {
            Operation = ProviderOperation.GenerateBackground, Results = images, Note = "3 of the 4 images requested came back.",
        };

        var html = await renderer.RenderAsync<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = batch });

        Assert.Contains("data-results=\"3\"", html);
        Assert.Contains("New background · Local engine · 640×480 PNG", html);
        Assert.Contains("3 results", html);
        Assert.Matches("data-testid=\"result-note\"[^>]*>.*3 of the 4 images requested came back.", html);
        Assert.Matches($"<img class=\"ba-after\" src=\"{images[0].Url}\"", html);
        foreach (var image in images)
        {
            Assert.Contains($"src=\"{image.ThumbnailUrl}\"", html);
            Assert.Contains($"href=\"{image.DownloadUrl}\"", html);
        }
        Assert.Equal(3, html.Split("data-testid=\"result-thumb\"").Length - 1);
        Assert.Contains("aria-pressed=\"true\" aria-label=\"Show result 1\"", html);
        Assert.DoesNotContain("mask-toggle", html); // a generated background has no mask to show

        var single = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: false);
        html = await renderer.RenderAsync<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = single });
        Assert.DoesNotContain("result-strip", html);
        Assert.DoesNotContain("result-note", html);
        Assert.DoesNotContain(" results", html);
        Assert.Contains("mask-toggle", html);
    }

    [Fact]
    public async Task The_mode_bar_offers_new_backgrounds_and_says_why_the_local_engine_cannot()
    {
        await using var renderer = new StudioRenderer();

        var html = await renderer.RenderAsync<StudioPage>();

        Assert.Contains("New background", html);
        Assert.Matches("data-testid=\"background-unsupported\"[^>]*><span>Local engine cannot do background generation.</span>", html);
        Assert.DoesNotContain("data-testid=\"background-prompt\"", html);
    }

    [Fact]
    public async Task Cards_show_the_state_in_words_the_error_in_red_and_retry_only_when_it_can_work()
    {
        await using var renderer = new StudioRenderer();

        var rejected = new UploadItem { FileName = "notes.png", Size = 29 };
        rejected.Reject("This is not an image: its content is not PNG, whatever its name says.");
        var html = await RenderCard(renderer, rejected);
        Assert.Contains("data-state=\"rejected\"", html);
        Assert.Matches("class=\"upload-error\" role=\"alert\"[^>]*>This is not an image", html);
        Assert.DoesNotContain("card-retry", html); // nothing to send again: the file itself is wrong

        var failed = new UploadItem { FileName = "cat.png", Size = 1000 };
        failed.Attach(FakeTaskService.Task(CutoutTaskState.Failed, error: "The provider timed out."));
        html = await RenderCard(renderer, failed);
        Assert.Contains("The provider timed out.", html);
        Assert.Contains("card-retry", html);

        var running = new UploadItem { FileName = "cat.png", Size = 1000 };
        running.Attach(FakeTaskService.Task(CutoutTaskState.Processing, progress: 40));
        html = await RenderCard(renderer, running);
        Assert.Contains("Processing · 40%", html);
        Assert.Contains("data-progress=\"48\"", html);
        Assert.Contains("card-cancel", html);

        var done = new UploadItem { FileName = "cat.png", Size = 1000 };
        var task = FakeTaskService.Task(CutoutTaskState.Succeeded);
        done.Attach(task);
        html = await RenderCard(renderer, done);
        Assert.Contains($"src=\"{task.Results[0].ThumbnailUrl}\"", html);
        Assert.Contains($"href=\"{task.Results[0].DownloadUrl}\"", html);
        Assert.Contains("Done", html);
    }

    private static Task<string> RenderCard(StudioRenderer renderer, UploadItem item) =>
        renderer.RenderAsync<UploadCard>(new Dictionary<string, object?> { [nameof(UploadCard.Item)] = item });

    private static string Tile(string html, string id)
    {
        var start = html.IndexOf($"data-testid=\"provider-{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no tile for {id}");
        var open = html.LastIndexOf("<button", start, StringComparison.Ordinal);
        var end = html.IndexOf("</button>", start, StringComparison.Ordinal);
        return html[open..end];
    }
}
