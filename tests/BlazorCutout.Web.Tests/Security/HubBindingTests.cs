using System.Net;
using System.Text.Json;
using BlazorCutout.Bench;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Tasks.Support;

namespace BlazorCutout.Web.Tests.Security;

/// <summary>The task hub: a connection belongs to the user who opened it, and only this site's pages may open one.</summary>
public sealed class HubBindingTests(HubBindingTests.App app) : IClassFixture<HubBindingTests.App>
{
    public sealed class App : IDisposable
    {
        public ScriptedProvider Instant { get; } = new("instant", synchronous: true);
        public TasksApp Host { get; }

        public App() => Host = new TasksApp().WithProvider(Instant);

        public void Dispose() => Host.Dispose();
    }

    [Fact]
    public async Task A_leaked_long_polling_connection_id_gives_another_signed_in_user_nothing()
    {
        var alice = await app.Host.SignInNewUserAsync();
        var bob = await app.Host.SignInNewUserAsync();

        // Alice negotiates: the hub offers WebSockets only, so there is no long-polling connection to take over.
        using var negotiation = await Send(HttpMethod.Post, TaskHub.Path + "/negotiate?negotiateVersion=1", alice.CookieHeader);
        Assert.Equal(HttpStatusCode.OK, negotiation.StatusCode);
        using var offer = JsonDocument.Parse(await negotiation.Content.ReadAsStringAsync());
        var transports = offer.RootElement.GetProperty("availableTransports").EnumerateArray().Select(t => t.GetProperty("transport").GetString()).ToList();
        Assert.Equal(["WebSockets"], transports);
        var token = offer.RootElement.GetProperty("connectionToken").GetString()!;

        await app.Host.Tasks.SubmitAsync(alice.Id, new NewTaskRequest("instant", ProviderOperation.RemoveBackground, new JobOptions(),
            new IncomingImage("mine.png", "image/png", TestImages.Source)));

        // Bob presents Alice's id as a long poll (and as a send): refused, and not one byte of her events.
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            using var poll = await Send(method, $"{TaskHub.Path}?id={Uri.EscapeDataString(token)}", bob.CookieHeader);
            Assert.NotEqual(HttpStatusCode.OK, poll.StatusCode);
            Assert.DoesNotContain(TaskHub.TaskChangedMethod, await poll.Content.ReadAsStringAsync());
        }
        // Not even Alice can long-poll: the transport is off, not merely guarded.
        using var own = await Send(HttpMethod.Get, $"{TaskHub.Path}?id={Uri.EscapeDataString(token)}", alice.CookieHeader);
        Assert.NotEqual(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task A_websocket_upgrade_from_another_sites_page_is_refused_and_one_from_this_site_connects()
    {
        var alice = await app.Host.SignInNewUserAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(alice.CookieHeader, origin: "https://evil.example"));
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(alice.CookieHeader, origin: "http://localhost.evil.example"));

        await using var own = await ConnectAsync(alice.CookieHeader, origin: "http://localhost");
        await using var noOrigin = await ConnectAsync(alice.CookieHeader, origin: null); // not a browser: the cookie decides
        var task = await app.Host.Tasks.SubmitAsync(alice.Id, new NewTaskRequest("instant", ProviderOperation.RemoveBackground, new JobOptions(),
            new IncomingImage("mine.png", "image/png", TestImages.Source)));
        await own.WaitForAsync(e => e.TaskId == task.Id && e.State == CutoutTaskState.Succeeded);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string cookieHeader)
    {
        using var client = app.Host.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? new StringContent("") : null };
        request.Headers.Add("Cookie", cookieHeader);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await client.SendAsync(request, timeout.Token);
    }

    private Task<TaskHubClient> ConnectAsync(string cookieHeader, string? origin) => TaskHubClient.ConnectAsync(
        new Uri("http://localhost" + TaskHub.Path),
        options => options.WebSocketFactory = async (context, ct) =>
        {
            var client = app.Host.Server.CreateWebSocketClient();
            client.ConfigureRequest = request =>
            {
                request.Headers.Cookie = cookieHeader;
                if (origin is not null) request.Headers.Origin = origin;
            };
            return await client.ConnectAsync(context.Uri, ct);
        },
        TimeSpan.FromSeconds(10));
}
