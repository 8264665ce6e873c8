using BlazorCutout.Engine;
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

    [Theory]
    [InlineData(OutputKind.ImageAndMask, "Scripted masks returned no mask, although one was asked for: only the cut-out image was stored.")]
    [InlineData(OutputKind.Mask, "Scripted masks returned no mask, although only the mask was asked for: the image it returned was stored instead.")]
    public async Task A_mask_that_was_asked_for_and_did_not_come_back_is_named_on_the_task(OutputKind output, string expected)
    {
        var provider = new ScriptedProvider("masks", outputs: new HashSet<OutputKind> { OutputKind.Image, OutputKind.ImageAndMask, OutputKind.Mask });
        provider.OnPoll = (_, _) => provider.Done(); // the image only, as gpt.ge once answered output_type 1 and 3
        await using var app = new TasksApp().WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var request = new NewTaskRequest("masks", ProviderOperation.RemoveBackground, new JobOptions { Output = output }, new IncomingImage("photo.png", "image/png", TestImages.Source));
        var taskId = (await app.Tasks.SubmitAsync(userId, request)).Id;

        var final = await events.WaitForFinalAsync(taskId);

        Assert.Equal((CutoutTaskState.Succeeded, expected), (final.State, final.Note));
        Assert.Equal(expected, (await app.Tasks.GetAsync(userId, taskId))!.Note);
    }

    [Fact]
    public async Task A_mask_that_came_back_as_asked_adds_no_note()
    {
        var provider = new ScriptedProvider("masks", outputs: new HashSet<OutputKind> { OutputKind.ImageAndMask });
        provider.OnPoll = (_, _) => new ProviderPoll.Done([
            new ResultReference.Inline(ResultRole.Image, 0, TestImages.Result, "image/png"),
            new ResultReference.Inline(ResultRole.Mask, 0, TestImages.Result, "image/png")]);
        await using var app = new TasksApp().WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var request = new NewTaskRequest("masks", ProviderOperation.RemoveBackground, new JobOptions { Output = OutputKind.ImageAndMask }, new IncomingImage("photo.png", "image/png", TestImages.Source));
        var taskId = (await app.Tasks.SubmitAsync(userId, request)).Id;

        var final = await events.WaitForFinalAsync(taskId);

        Assert.Equal((CutoutTaskState.Succeeded, (string?)null), (final.State, final.Note));
    }
}
