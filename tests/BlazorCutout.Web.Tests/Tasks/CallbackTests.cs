using System.Net;
using System.Text;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Callbacks;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>
/// Issue #5: a per-task unguessable callback URL; a callback only triggers a confirming poll (never trusted as the
/// result), is idempotent, and polling alone still finishes a task.
/// </summary>
public sealed class CallbackTests
{
    private const string PublicBaseUrl = "https://cutout.example/";

    private static NewTaskRequest Request(string providerId) =>
        new(providerId, ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("photo.png", "image/png", TestImages.Source));

    [Fact]
    public async Task A_valid_callback_makes_a_processing_task_poll_at_once_and_a_forged_one_is_404()
    {
        var provider = new CallbackProvider("hooked");
        await using var app = new TasksApp().WithSetting("BlazorCutout:PublicBaseUrl", PublicBaseUrl).WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var taskId = (await app.Tasks.SubmitAsync(userId, Request("hooked"))).Id;
        await events.WaitForAsync(taskId, CutoutTaskState.Processing);

        // The provider was given this task's callback URL under the public base URL.
        var callback = Assert.Single(provider.Inner.Jobs).CallbackUrl;
        Assert.NotNull(callback);
        Assert.StartsWith($"{PublicBaseUrl}callbacks/{taskId:D}/", callback!.AbsoluteUri);
        Assert.Equal(0, provider.Inner.PollCalls); // the first poll is ten minutes away

        var client = app.CreateClient();
        var forged = await client.PostAsync($"/callbacks/{taskId:D}/{new string('A', 43)}", new StringContent("{}"));
        Assert.True(forged.StatusCode == HttpStatusCode.NotFound, await forged.Content.ReadAsStringAsync() + forged.Headers);
        var otherTask = await client.PostAsync($"/callbacks/{Guid.NewGuid():D}/{callback.Segments[^1]}", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, otherTask.StatusCode);
        Assert.Equal(0, provider.Inner.PollCalls);

        var answer = await client.PostAsync(callback.PathAndQuery, new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        await provider.Inner.WaitForPollsAsync(1);

        // Repeated callbacks: each is a confirming poll at most, nothing else happens.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(callback.PathAndQuery, new StringContent("{}"))).StatusCode);
        await provider.Inner.WaitForPollsAsync(2);
        Assert.Equal(CutoutTaskState.Processing, (await app.TaskRowAsync(taskId)).State);
        Assert.Equal(1, provider.Inner.SubmitCalls);

        // The provider confirms: the next callback's poll finishes the task, once, with one cost entry.
        provider.Inner.Finish();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(callback.PathAndQuery, new StringContent("{}"))).StatusCode);
        var final = await events.WaitForFinalAsync(taskId);
        Assert.Equal(CutoutTaskState.Succeeded, final.State);
        Assert.Single(await app.CostEntriesAsync(taskId));

        // After the end, callbacks are still harmless.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(callback.PathAndQuery, new StringContent("{}"))).StatusCode);
        Assert.Equal(CutoutTaskState.Succeeded, (await app.TaskRowAsync(taskId)).State);
        Assert.Single(await app.CostEntriesAsync(taskId));
    }

    [Fact]
    public async Task A_callback_body_claiming_success_does_not_finish_the_task_without_the_provider_confirming()
    {
        var provider = new CallbackProvider("liar-target");
        await using var app = new TasksApp().WithSetting("BlazorCutout:PublicBaseUrl", PublicBaseUrl).WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var taskId = (await app.Tasks.SubmitAsync(userId, Request("liar-target"))).Id;
        await events.WaitForAsync(taskId, CutoutTaskState.Processing);
        var callback = Assert.Single(provider.Inner.Jobs).CallbackUrl!;

        // PicWish-style "done" body, with a result URL somewhere else.
        const string claim = """{"status":200,"data":{"task_id":"job-1","state":1,"progress":100,"image":"https://evil.example/result.png"}}""";
        var answer = await app.CreateClient().PostAsync(callback.PathAndQuery, new StringContent(claim, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        await provider.Inner.WaitForPollsAsync(1); // the confirming poll says: still working

        var row = await app.TaskRowAsync(taskId);
        Assert.Equal(CutoutTaskState.Processing, row.State);
        Assert.Empty(await app.CostEntriesAsync(taskId));
        Assert.Empty((await app.Tasks.GetAsync(userId, taskId))!.Results);
    }

    [Fact]
    public async Task Without_a_public_base_url_no_callback_url_is_given_and_polling_finishes_the_task()
    {
        var provider = new CallbackProvider("unhooked", pollEvery: TimeSpan.FromMilliseconds(20));
        provider.Inner.Finish();
        await using var app = new TasksApp().WithProvider(provider);
        Assert.Null(app.Services.GetRequiredService<CallbackUrls>().For(Guid.NewGuid()));
        var userId = await app.CreateUserAsync();
        var taskId = (await app.Tasks.SubmitAsync(userId, Request("unhooked"))).Id;
        var final = await app.WaitForFinalRowAsync(taskId);
        Assert.Equal(CutoutTaskState.Succeeded, final.State);
        Assert.Null(Assert.Single(provider.Inner.Jobs).CallbackUrl);
    }

    /// <summary>A scripted asynchronous provider that takes callbacks and polls slowly (ten minutes unless told otherwise).</summary>
    private sealed class CallbackProvider(string id, TimeSpan? pollEvery = null) : ICutoutProvider
    {
        public ScriptedProvider Inner { get; } = new(id);

        public ProviderDescriptor Descriptor { get; } = new ScriptedProvider(id).Descriptor with
        {
            Options = new SupportedOptions { Callback = true },
            Polling = new PollCadence(pollEvery ?? TimeSpan.FromMinutes(10), pollEvery ?? TimeSpan.FromMinutes(10), 1, pollEvery ?? TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)),
        };

        public ProviderAvailability GetAvailability() => ProviderAvailability.Available;
        public Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken) => Inner.SubmitAsync(job, cancellationToken);
        public Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken) => Inner.PollAsync(providerTaskId, cancellationToken);
        public Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken) => Inner.FetchAsync(result, cancellationToken);
    }
}
