using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Tasks.Support;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>A provider's result that is less than asked for (gpt.ge's partial batch) succeeds with what arrived and says so.</summary>
public sealed class PartialResultTests
{
    [Fact]
    public async Task A_done_answer_with_a_note_succeeds_keeps_the_note_and_records_the_cost_once()
    {
        const string note = "Scripted returned 1 of the 2 requested images.";
        var provider = new ScriptedProvider("short");
        provider.OnPoll = (_, _) => provider.Done() with { Note = note };
        await using var app = new TasksApp().WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var request = new NewTaskRequest("short", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("photo.png", "image/png", TestImages.Source));
        var taskId = (await app.Tasks.SubmitAsync(userId, request)).Id;

        var final = await events.WaitForFinalAsync(taskId);

        Assert.Equal((CutoutTaskState.Succeeded, note, (string?)null), (final.State, final.Note, final.ErrorMessage));
        var view = await app.Tasks.GetAsync(userId, taskId);
        Assert.Equal((note, (string?)null, (string?)null), (view!.Note, view.ErrorMessage, view.ErrorCode));
        Assert.Single(await app.CostEntriesAsync(taskId));
        Assert.Single(view.Results);
        Assert.Equal(1, provider.SubmitCalls);
    }
}
