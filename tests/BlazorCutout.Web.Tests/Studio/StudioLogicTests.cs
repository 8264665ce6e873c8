using BlazorCutout.Engine;
using BlazorCutout.Providers.Local;
using BlazorCutout.Providers;
using BlazorCutout.Web.Studio;
using BlazorCutout.Web.Tasks.Worker;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Tests.Studio;

public sealed class StudioLogicTests
{
    private static readonly ProviderDescriptor Local = FakeTaskService.Local();

    private static ClientImageFacts Facts(string? format = "png", long size = 1000, int width = 800, int height = 600, bool decodable = true) =>
        new("photo.png", size, "image/png", format, width, height, decodable, "blob:x");

    [Fact]
    public void The_browser_side_check_names_the_problem_of_each_file()
    {
        Assert.Null(ClientImageCheck.Problem(Facts(), Local));
        Assert.Null(ClientImageCheck.Problem(Facts("jpeg"), Local));
        Assert.Null(ClientImageCheck.Problem(Facts("tiff", decodable: false, width: 0, height: 0), Local)); // the server decides
        Assert.Equal("The file is empty.", ClientImageCheck.Problem(Facts(size: 0), Local));
        Assert.Equal("This is not an image: its content is not BMP, JPEG, PNG, TIFF, WEBP, whatever its name says.", ClientImageCheck.Problem(Facts(null), Local));
        Assert.Equal("Local engine does not accept GIF images (accepted: BMP, JPEG, PNG, TIFF, WEBP).", ClientImageCheck.Problem(Facts("gif"), Local));
        Assert.Equal("The file is 20.5 MB; the limit is 20 MB.", ClientImageCheck.Problem(Facts(size: 21_500_000), Local));
        Assert.Equal("The image is 5000×3000 pixels; this provider accepts at most 4096 pixels per side.", ClientImageCheck.Problem(Facts(width: 5000, height: 3000), Local));
        Assert.StartsWith("The image looks damaged", ClientImageCheck.Problem(Facts(decodable: false), Local));
    }

    [Fact]
    public void A_decompression_bomb_the_browser_cannot_draw_is_refused_for_its_pixels_as_the_server_says_not_called_damaged()
    {
        var bomb = Facts(width: 30000, height: 30000, decodable: false);

        Assert.Equal("The image is 30000×30000 pixels; this provider accepts at most 4096 pixels per side.", ClientImageCheck.Problem(bomb, Local));
    }

    [Theory]
    [InlineData("#81D4FA", "81d4fa")]
    [InlineData("81d4fa", "81d4fa")]
    [InlineData("#fff", "ffffff")]
    [InlineData("rgb(129, 212, 250)", "81d4fa")]
    [InlineData("rgba(0,0,0,0.5)", "000000")]
    [InlineData("rgb(300, 0, 0)", null)]
    [InlineData("blue", null)]
    [InlineData("", null)]
    public void Colours_from_the_picker_become_six_hex_digits(string input, string? expected) =>
        Assert.Equal(expected, StudioSettings.HexColour(input));

    [Fact]
    public void Settings_follow_what_the_provider_offers_and_points_only_travel_in_points_mode()
    {
        var settings = new StudioSettings { Operation = ProviderOperation.SegmentByPoints, Output = OutputKind.Mask, Format = OutputFormat.Webp, Type = SubjectType.Person, Background = BackgroundMode.Colour, Colour = "#00ff00" };
        var points = new[] { new NormalizedPoint(0.5, 0.5) };

        var options = settings.ToJobOptions(points, []);
        Assert.Equal(points, options.PositivePoints);
        Assert.Equal("00ff00", options.BackgroundColor);

        settings.FitTo(FakeTaskService.Remote("picwish", "PicWish"));
        Assert.Equal(ProviderOperation.RemoveBackground, settings.Operation);
        Assert.Equal(OutputKind.Image, settings.Output);
        Assert.Equal(OutputFormat.Png, settings.Format);
        Assert.Equal(SubjectType.Auto, settings.Type);
        Assert.Equal(BackgroundMode.Colour, settings.Background);
        Assert.Empty(settings.ToJobOptions(points, points).PositivePoints);

        Assert.Equal(LocalEngineProvider.TextUnsupportedReason, StudioSettings.Unsupported(Local, ProviderOperation.SegmentByText));
        Assert.Null(StudioSettings.Unsupported(Local, ProviderOperation.SegmentByPoints));
    }

    [Fact]
    public async Task After_a_reload_every_running_task_and_those_finished_lately_come_back_but_not_the_removed_ones()
    {
        var tasks = new FakeTaskService();
        var now = DateTimeOffset.UtcNow;
        TaskView Named(TaskView view, string name) => view with { Source = FakeTaskService.Asset(TaskAssetRole.Source) with { FileName = name } };
        // Newest first, as the service answers: a drop of 30 files still running, then older work.
        var dropped = Enumerable.Range(1, 30).Select(i => Named(FakeTaskService.Task(CutoutTaskState.Queued), $"drop-{i}.png")).ToList();
        var doneLately = Named(FakeTaskService.Task(CutoutTaskState.Succeeded) with { CompletedAt = now.AddMinutes(-5) }, "lately.png");
        var cleared = Named(FakeTaskService.Task(CutoutTaskState.Succeeded) with { CompletedAt = now.AddMinutes(-6) }, "cleared.png");
        var failedLately = Named(FakeTaskService.Task(CutoutTaskState.Failed, error: "The provider timed out.") with { CompletedAt = now.AddMinutes(-20) }, "failed.png");
        var doneLongAgo = Named(FakeTaskService.Task(CutoutTaskState.Succeeded) with { CreatedAt = now.AddHours(-2), CompletedAt = now.AddHours(-2) }, "old.png");
        var queuedLongAgo = Named(FakeTaskService.Task(CutoutTaskState.Queued) with { CreatedAt = now.AddHours(-3) }, "waiting.png");
        tasks.Stored.AddRange([.. dropped, doneLately, cleared, failedLately, doneLongAgo, queuedLongAgo]);

        var candidates = RecentTasks.Candidates((await tasks.QueryAsync("user-1", RecentTasks.Query)).Items, now);
        var restored = RecentTasks.Restored(candidates, new HashSet<Guid> { cleared.Id, doneLongAgo.Id });

        Assert.Equal([.. dropped.Select(v => v.Id), doneLately.Id, cleared.Id, failedLately.Id, queuedLongAgo.Id], candidates.Select(v => v.Id));
        Assert.Equal([.. dropped.Select(v => v.Id), doneLately.Id, failedLately.Id, queuedLongAgo.Id], restored.Select(v => v.Id));
    }

    [Fact]
    public void A_success_that_falls_short_shows_its_note_and_no_error()
    {
        var item = new UploadItem { FileName = "cat.png" };
        var task = FakeTaskService.Task(CutoutTaskState.Processing);
        item.Attach(task);

        Assert.True(item.Apply(new TaskChanged(task.Id, "u", CutoutTaskState.Succeeded, 100, null, DateTimeOffset.UtcNow, "2 of 3 arrived.")));

        Assert.Equal(("succeeded", "2 of 3 arrived.", (string?)null), (item.StateKey, item.Note, item.Error));
    }

    [Fact]
    public void A_card_ignores_late_and_out_of_order_changes()
    {
        var item = new UploadItem { FileName = "cat.png" };
        var task = FakeTaskService.Task(CutoutTaskState.Queued);
        item.Attach(task);
        var t0 = DateTimeOffset.UtcNow;

        Assert.True(item.Apply(new TaskChanged(task.Id, "u", CutoutTaskState.Processing, 50, null, t0)));
        Assert.False(item.Apply(new TaskChanged(task.Id, "u", CutoutTaskState.Submitting, null, null, t0.AddSeconds(-1))));
        Assert.False(item.Apply(new TaskChanged(Guid.NewGuid(), "u", CutoutTaskState.Failed, null, "x", t0.AddSeconds(1))));
        Assert.True(item.Apply(new TaskChanged(task.Id, "u", CutoutTaskState.Succeeded, 100, null, t0.AddSeconds(2))));
        Assert.False(item.Apply(new TaskChanged(task.Id, "u", CutoutTaskState.Downloading, null, null, t0.AddSeconds(3))));
        Assert.Equal("succeeded", item.StateKey);
        Assert.Equal(100, item.BarValue);

        // The submit's own (older) answer arriving after the final event does not roll the card back.
        item.Attach(task);
        Assert.Equal("succeeded", item.StateKey);
    }

    [Fact]
    public void A_task_whose_submission_may_have_been_taken_offers_a_retry_that_says_it_may_be_charged_again()
    {
        var uncertain = new UploadItem { FileName = "cat.png" };
        uncertain.Attach(FakeTaskService.Task(CutoutTaskState.Failed) with { ErrorCode = SubmitOutcomeUnknown.Code, ErrorMessage = "x" });
        var refused = new UploadItem { FileName = "dog.png" };
        refused.Attach(FakeTaskService.Task(CutoutTaskState.Failed) with { ErrorCode = "InvalidInput", ErrorMessage = "y" });

        Assert.True(uncertain.CanRetry);
        Assert.Equal("Retry (may be charged again)", uncertain.RetryText);
        Assert.Equal("Retry", refused.RetryText);
    }
}
