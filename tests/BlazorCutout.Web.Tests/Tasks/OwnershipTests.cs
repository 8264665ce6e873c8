using System.Net.WebSockets;
using System.Net;
using BlazorCutout.Bench;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Support;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>A user sees, fetches and hears about only their own tasks; signed public URLs work only as signed.</summary>
public sealed class OwnershipTests(OwnershipTests.App app) : IClassFixture<OwnershipTests.App>
{
    public sealed class App : IDisposable
    {
        public ScriptedProvider Instant { get; } = new("instant", synchronous: true);
        public ScriptedProvider UrlOnly { get; } = new("url-only", inputs: ProviderInputs.Url);
        public TasksApp Host { get; }

        public App()
        {
            UrlOnly.Finish();
            Host = new TasksApp()
                .WithSetting("BlazorCutout:PublicBaseUrl", "https://cutout.example.org/")
                .WithProvider(Instant)
                .WithProvider(UrlOnly);
            // The install has its Admin, who may see every task; the tests' users are members.
            Host.SignInNewAdminAsync().GetAwaiter().GetResult();
        }

        public void Dispose() => Host.Dispose();
    }

    private static NewTaskRequest Request(string providerId = "instant") =>
        new(providerId, ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("mine.png", "image/png", TestImages.Source));

    [Fact]
    public async Task Another_user_gets_404_for_the_task_its_assets_and_thumbnails_and_cannot_act_on_it()
    {
        var owner = await app.Host.SignInNewUserAsync();
        var other = await app.Host.SignInNewUserAsync();
        using var events = new TaskEventLog(app.Host.Events, owner.Id);
        var taskId = (await app.Host.Tasks.SubmitAsync(owner.Id, Request())).Id;
        await events.WaitForAsync(taskId, CutoutTaskState.Succeeded);
        var task = (await app.Host.Tasks.GetAsync(owner.Id, taskId))!;
        var result = Assert.Single(task.Results);

        Assert.Null(await app.Host.Tasks.GetAsync(other.Id, taskId));
        Assert.Equal(0, (await app.Host.Tasks.QueryAsync(other.Id, new TaskQuery())).Total);
        Assert.False(await app.Host.Tasks.CancelAsync(other.Id, taskId));
        Assert.Null(await app.Host.Tasks.RetryAsync(other.Id, taskId));
        Assert.False(await app.Host.Tasks.DeleteAsync(other.Id, taskId));

        foreach (var url in new[] { result.Url, result.ThumbnailUrl, result.DownloadUrl, task.Source.Url, task.Source.ThumbnailUrl, task.Source.DownloadUrl })
        {
            using var theirs = await other.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
            using var mine = await owner.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        }

        Assert.NotNull(await app.Host.Tasks.GetAsync(owner.Id, taskId)); // nothing of the above touched it
    }

    [Fact]
    public async Task Assets_answer_401_to_a_caller_who_is_not_signed_in_while_pages_still_redirect_to_the_login()
    {
        var owner = await app.Host.SignInNewUserAsync();
        using var events = new TaskEventLog(app.Host.Events, owner.Id);
        var taskId = (await app.Host.Tasks.SubmitAsync(owner.Id, Request())).Id;
        await events.WaitForAsync(taskId, CutoutTaskState.Succeeded);
        var task = (await app.Host.Tasks.GetAsync(owner.Id, taskId))!;
        var result = Assert.Single(task.Results);
        using var anonymous = app.Host.CreateClient(new() { AllowAutoRedirect = false });

        var unknown = $"/assets/{Guid.NewGuid():D}";
        foreach (var url in new[] { result.Url, result.ThumbnailUrl, result.DownloadUrl, task.Source.ThumbnailUrl, unknown, unknown + "/thumbnail" })
        {
            using var response = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync()); // neither the image nor an HTML error page
        }

        using var page = await anonymous.GetAsync("/history");
        HttpAssert.RedirectsToLogin(page);
    }

    [Fact]
    public async Task Hub_events_reach_only_the_owners_connections()
    {
        var alice = await app.Host.SignInNewUserAsync();
        var bob = await app.Host.SignInNewUserAsync();
        await using var aliceHub = await ConnectAsync(alice.CookieHeader);
        await using var bobHub = await ConnectAsync(bob.CookieHeader);

        var alicesTask = (await app.Host.Tasks.SubmitAsync(alice.Id, Request())).Id;
        var succeeded = await aliceHub.WaitForAsync(e => e.TaskId == alicesTask && e.State == CutoutTaskState.Succeeded);
        Assert.Equal(alice.Id, succeeded.OwnerId);
        Assert.Contains(aliceHub.Received, e => e.TaskId == alicesTask && e.State == CutoutTaskState.Queued);

        // Events go out in order: once Bob hears about his own later task, anything of Alice's would already have come.
        var bobsTask = (await app.Host.Tasks.SubmitAsync(bob.Id, Request())).Id;
        await bobHub.WaitForAsync(e => e.TaskId == bobsTask && e.State == CutoutTaskState.Succeeded);

        Assert.All(bobHub.Received, e => Assert.Equal(bob.Id, e.OwnerId));
        Assert.DoesNotContain(bobHub.Received, e => e.TaskId == alicesTask);
        Assert.DoesNotContain(aliceHub.Received, e => e.TaskId == bobsTask);
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_signed_in_user()
    {
        var client = app.Host.Server.CreateWebSocketClient();
        await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri("ws://localhost" + TaskHub.Path), CancellationToken.None));
        using var anonymous = app.Host.CreateClient(new() { AllowAutoRedirect = false });
        using var negotiate = await anonymous.PostAsync(TaskHub.Path + "/negotiate?negotiateVersion=1", null);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, negotiate.StatusCode); // not a redirect to the login page
    }

    [Fact]
    public async Task A_url_only_provider_receives_a_signed_public_url_that_serves_the_source_until_it_expires()
    {
        var userId = await app.Host.CreateUserAsync();
        using var events = new TaskEventLog(app.Host.Events, userId);
        var task = await app.Host.Tasks.SubmitAsync(userId, Request("url-only"));
        Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(task.Id)).State);

        var job = app.Host.UrlOnlyJobFor(app.UrlOnly, task.Id);
        Assert.False(job.Source.HasBytes);
        var url = job.Source.PublicUrl!;
        Assert.Equal("cutout.example.org", url.Host);

        using var anonymous = app.Host.CreateClient(new() { AllowAutoRedirect = false });
        using var fetched = await anonymous.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(TestImages.Source, await fetched.Content.ReadAsByteArrayAsync());

        using var tampered = await anonymous.GetAsync(url.PathAndQuery.Replace("sig=", "sig=x"));
        Assert.Equal(HttpStatusCode.NotFound, tampered.StatusCode);
        var otherAsset = url.PathAndQuery.Replace(task.Source.Id.ToString("D"), Guid.NewGuid().ToString("D"));
        using var swapped = await anonymous.GetAsync(otherAsset);
        Assert.Equal(HttpStatusCode.NotFound, swapped.StatusCode);

        var signer = app.Host.Services.GetRequiredService<AssetUrlSigner>();
        var expired = signer.Sign(task.Source.Id, TimeSpan.FromSeconds(-1));
        using var late = await anonymous.GetAsync(expired.PathAndQuery);
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
    }

    private Task<TaskHubClient> ConnectAsync(string cookieHeader) => TaskHubClient.ConnectAsync(
        new Uri("http://localhost" + TaskHub.Path),
        options => options.WebSocketFactory = async (context, ct) =>
        {
            var client = app.Host.Server.CreateWebSocketClient();
            client.ConfigureRequest = request => request.Headers.Cookie = cookieHeader;
            return await client.ConnectAsync(context.Uri, ct);
        },
        TaskEventLog.Patience);
}

internal static class TasksAppExtensions
{
    public static ProviderJob UrlOnlyJobFor(this TasksApp _, ScriptedProvider provider, Guid taskId) =>
        provider.Jobs.Single(j => j.TaskId == taskId.ToString("D"));
}
