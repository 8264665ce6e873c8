using System.Text.Json;
using BlazorCutout.Web.Studio;
using BlazorCutout.Web.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;

namespace BlazorCutout.Web.Tests.Studio;

/// <summary>
/// Files of a drop that never arrived (the page reloaded or the server stopped mid-upload) come back as final cards that
/// say "upload interrupted, drop again", can be removed, and are never confused with files that did arrive.
/// </summary>
public sealed class InterruptedUploadTests
{
    private static TaskView Named(string name, DateTimeOffset created, CutoutTaskState state = CutoutTaskState.Succeeded) =>
        FakeTaskService.Task(state) with { CreatedAt = created, Source = FakeTaskService.Asset(TaskAssetRole.Source) with { FileName = name } };

    [Fact]
    public void Only_files_without_a_task_created_after_their_drop_count_as_interrupted()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-3);
        var drop = new PendingBatch("b1", ["a.png", "b.png", "a.png", "c.png", null], at.ToUnixTimeMilliseconds());
        var recent = new[]
        {
            Named("a.png", at.AddSeconds(2)),          // the first a.png arrived
            Named("c.png", at.AddMinutes(-30)),        // an older c.png: not this drop's
        };

        var interrupted = InterruptedUploads.Find([drop], recent);

        Assert.Equal([("b1/1", "b.png"), ("b1/2", "a.png"), ("b1/3", "c.png")], interrupted);
    }

    [Fact]
    public async Task After_a_reload_the_files_that_never_arrived_end_as_interrupted_cards_that_can_be_removed()
    {
        var tasks = new FakeTaskService();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var arrived = Named("one.png", at.AddSeconds(1), CutoutTaskState.Processing);
        tasks.Stored.Add(arrived);
        var browser = new FakeStorage();
        browser.Pending.Add(new PendingBatch("drop7", ["one.png", "two.png", "three.png"], at.ToUnixTimeMilliseconds()));
        var cards = new StudioCards(tasks, NullLogger.Instance, () => { }) { UserId = "user-1" };
        var pending = new PendingUploads(browser, "user-1", NullLogger.Instance);

        await cards.RestoreAsync(dismissed: null, pending, DateTimeOffset.UtcNow);

        Assert.Equal(["one.png", "two.png", "three.png"], cards.Items.Select(i => i.FileName));
        Assert.Equal(arrived.Id, cards.Items[0].Task?.Id);
        var interrupted = cards.Items.Skip(1).ToList();
        Assert.All(interrupted, card =>
        {
            Assert.Equal("interrupted", card.StateKey);
            Assert.Equal("Upload interrupted, drop again.", card.Error);
            Assert.False(card.IsRunning);   // a final state: "Clear finished" takes it too
            Assert.False(card.CanRetry);    // its bytes were only in the page that went away
        });
        Assert.Equal(["drop7/1", "drop7/2"], browser.Kept);
        Assert.Equal(PendingUploads.KeyFor("user-1"), browser.Keys.Single());

        // Removing one card forgets it in the browser; the other would come back after another reload.
        await cards.RemoveAsync([interrupted[0]], dismissed: null);

        Assert.Equal(["one.png", "three.png"], cards.Items.Select(i => i.FileName));
        Assert.Equal(["drop7/2"], browser.Kept);
    }

    /// <summary>studio.js's pending store as .NET sees it through the module.</summary>
    private sealed class FakeStorage : IJSObjectReference
    {
        public List<PendingBatch> Pending { get; } = [];
        public string[] Kept { get; private set; } = [];
        public HashSet<string> Keys { get; } = [];

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
            InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            Keys.Add((string)args![0]!);
            switch (identifier)
            {
                case "readPending":
                    // Through JSON, as over the circuit: the record's shape must survive the trip.
                    var json = JsonSerializer.Serialize(Pending.Select(b => new { id = b.Id, names = b.Names, at = b.At }));
                    return ValueTask.FromResult(JsonSerializer.Deserialize<TValue>(json, JsonSerializerOptions.Web)!);
                case "keepPending":
                    Kept = (string[])args[1]!;
                    return ValueTask.FromResult(default(TValue)!);
                default:
                    throw new InvalidOperationException($"Unexpected call {identifier}");
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
