using BlazorCutout.Providers;
using BlazorCutout.Providers.GptGe;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Studio;
using BlazorCutout.Web.Tasks;
using Bunit;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorCutout.Web.Tests.Studio;

/// <summary>What the Studio says: prices from one source, counters that count what they name, plurals, progress words.</summary>
public sealed class StudioWordsTests
{
    private static readonly ProviderDescriptor Local = FakeTaskService.Local();
    private static readonly ProviderDescriptor PicWish = FakeTaskService.Remote("picwish", "PicWish");

    [Fact]
    public void A_price_is_worded_once_per_provider_and_operation_and_an_operation_it_cannot_do_is_never_free()
    {
        Assert.Equal("1 credit per image", TaskText.Price(PicWish, ProviderOperation.RemoveBackground));
        // PicWish (here) cannot segment by points: "Free" there would contradict its price for what it can do.
        Assert.Equal(TaskText.NotOffered, TaskText.Price(PicWish, ProviderOperation.SegmentByPoints));
        Assert.Equal(TaskText.NotOffered, TaskText.Price(PicWish, ProviderOperation.GenerateBackground, 3));
        // The built-in engine is free for all it does and for what it does not.
        Assert.All(Enum.GetValues<ProviderOperation>(), op => Assert.Equal("Free", TaskText.Price(Local, op)));
    }

    [Fact]
    public async Task The_picker_shows_the_same_price_as_the_batch_hint_and_hides_providers_that_cannot_do_the_mode()
    {
        var tasks = new FakeTaskService();
        tasks.Choices.Add(new(GptGeProvider.BuildDescriptor(new GptGeOptions()), IsAvailable: true, UnavailableReason: null, IsDefault: false));
        await using var renderer = new StudioRenderer(tasks);
        var studio = renderer.Render<StudioPage>();

        // Remove background: both able providers offered; PicWish (unavailable) folded away with its reason.
        var usable = studio.Find("[data-testid=provider-picker]");
        Assert.NotNull(usable.QuerySelector("[data-testid=provider-local]"));
        Assert.NotNull(usable.QuerySelector("[data-testid=provider-gptge]"));
        Assert.Null(usable.QuerySelector("[data-testid=provider-picwish]"));
        var folded = studio.Find("[data-testid=provider-more]");
        Assert.StartsWith("1 unavailable", folded.QuerySelector("summary")!.TextContent.Trim());
        Assert.Contains("PicWish needs an API key", folded.TextContent);
        Assert.Empty(studio.FindAll("[data-testid=text-prompt]")); // no prompt box in a mode without a prompt

        // New background, chosen first: the picker switches to the one provider able to, and the prices agree.
        StudioInteractionTests.ButtonNamed(studio, "New background").Click();
        Assert.Equal("true", studio.Find("[data-testid=provider-gptge]").GetAttribute("aria-checked"));
        Assert.True(studio.Find("[data-testid=provider-local]").HasAttribute("disabled"));
        Assert.Contains("Local engine cannot do background generation.", studio.Find("[data-testid=provider-more]").TextContent);
        Assert.Equal(studio.Find("[data-testid=batch-price]").TextContent,
            studio.Find("[data-testid=provider-gptge] [data-testid=provider-price]").TextContent);
        Assert.Equal(TaskText.Price(GptGeProvider.BuildDescriptor(new GptGeOptions()), ProviderOperation.GenerateBackground),
            studio.Find("[data-testid=batch-price]").TextContent);
    }

    [Theory]
    [InlineData(0, "0 tasks")]
    [InlineData(1, "1 task")]
    [InlineData(2, "2 tasks")]
    public void Counts_take_the_singular_for_exactly_one(int n, string expected) => Assert.Equal(expected, TaskText.Count(n, "task"));

    [Fact]
    public async Task The_counter_names_what_it_counts_so_refused_and_canceled_cards_are_not_done()
    {
        var cards = new StudioCards(new FakeTaskService(), NullLogger.Instance, () => { });
        cards.Add([Card(CutoutTaskState.Succeeded), Card(CutoutTaskState.Failed), Card(CutoutTaskState.Canceled), Card(CutoutTaskState.Processing)]);
        var refused = new UploadItem { FileName = "notes.png" };
        refused.Reject("This is not an image.");
        cards.Add(refused);

        Assert.Equal("5 images: 1 in progress, 1 done, 2 failed, 1 canceled", cards.Summary);

        await cards.RemoveAsync(cards.Items.Where(i => !i.Succeeded).ToList(), dismissed: null);
        Assert.Equal("1 image: 1 done", cards.Summary);
    }

    [Fact]
    public void The_engine_says_cutting_out_with_its_percentage_and_a_service_counts_the_seconds_it_has_waited()
    {
        var local = Card(CutoutTaskState.Queued);
        local.Provider = Local;
        var id = local.Task!.Id;
        var start = DateTimeOffset.UtcNow;
        Assert.True(local.Apply(new TaskChanged(id, "u", CutoutTaskState.Submitting, null, null, start)));
        Assert.Equal("Cutting out…", local.Status(start));
        var bars = new List<double> { local.BarValue };
        foreach (var (percent, at) in new[] { (5, 1), (20, 2), (70, 3), (85, 4) })
        {
            local.Apply(new TaskChanged(id, "u", CutoutTaskState.Submitting, percent, null, start.AddSeconds(at)));
            Assert.Equal($"Cutting out… {percent}%", local.Status(start.AddSeconds(at)));
            bars.Add(local.BarValue);
        }
        Assert.Equal(bars.Order().Distinct(), bars); // the bar moves with every stage
        Assert.All(bars, b => Assert.InRange(b, 10, 90));

        var remote = Card(CutoutTaskState.Queued);
        remote.Provider = PicWish;
        var rid = remote.Task!.Id;
        remote.Apply(new TaskChanged(rid, "u", CutoutTaskState.Submitting, null, null, start));
        Assert.Equal("Sending to PicWish…", remote.Status(start));
        remote.Apply(new TaskChanged(rid, "u", CutoutTaskState.Processing, null, null, start.AddSeconds(1)));
        Assert.True(remote.IsWaitingWithoutProgress);
        Assert.Equal("Sent to PicWish, waiting… 12 s", remote.Status(start.AddSeconds(12)));
        remote.Apply(new TaskChanged(rid, "u", CutoutTaskState.Processing, 40, null, start.AddSeconds(13)));
        Assert.Equal("PicWish is working on it · 40%", remote.Status(start.AddSeconds(13)));
        Assert.False(remote.IsWaitingWithoutProgress);
    }

    [Fact]
    public async Task One_image_opens_big_when_done_several_stay_a_grid_and_the_arrows_step_through_the_results()
    {
        var tasks = new FakeTaskService();
        var cards = new StudioCards(tasks, NullLogger.Instance, () => { });

        var single = await Submitted(cards, tasks, 1);
        await Finish(cards, tasks, single[0]);
        Assert.Same(single[0], cards.Viewed);

        cards.Close();
        var batch = await Submitted(cards, tasks, 3);
        foreach (var item in batch)
            await Finish(cards, tasks, item);
        Assert.Null(cards.Viewed); // a grid: the user picks

        cards.Show(batch[1]);
        var order = cards.Items.Where(i => i.Succeeded).ToList();
        var at = order.IndexOf(batch[1]);
        Assert.True(cards.Step(1));
        Assert.Same(order[(at + 1) % order.Count], cards.Viewed);
        Assert.True(cards.Step(-1));
        Assert.True(cards.Step(-1));
        Assert.Same(order[(at - 1 + order.Count) % order.Count], cards.Viewed);
    }

    private static UploadItem Card(CutoutTaskState state)
    {
        var item = new UploadItem { FileName = $"{state}.png" };
        // A queued task has not been sent yet: its wait starts with the change that says it was.
        item.Attach(FakeTaskService.Task(state) with { SubmittedAt = state == CutoutTaskState.Queued ? null : DateTimeOffset.UtcNow });
        return item;
    }

    private static async Task<List<UploadItem>> Submitted(StudioCards cards, FakeTaskService tasks, int count)
    {
        var items = Enumerable.Range(0, count).Select(i => new UploadItem { FileName = $"photo-{i}.png" }).ToList();
        cards.Add(items);
        foreach (var item in items)
            await cards.SubmitAsync(item, new NewTaskRequest("local", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage(item.FileName, "image/png", [1])));
        return items;
    }

    /// <summary>The task succeeds on the "server" and its final change arrives.</summary>
    private static async Task Finish(StudioCards cards, FakeTaskService tasks, UploadItem item)
    {
        var id = item.Task!.Id;
        var done = FakeTaskService.Task(CutoutTaskState.Succeeded) with { Id = id };
        tasks.Stored[tasks.Stored.FindIndex(t => t.Id == id)] = done;
        Assert.True(await cards.ApplyAsync(new TaskChanged(id, "u", CutoutTaskState.Succeeded, 100, null, DateTimeOffset.UtcNow)));
    }
}
