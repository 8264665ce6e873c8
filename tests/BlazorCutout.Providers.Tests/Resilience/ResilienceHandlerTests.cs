using System.Net;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace BlazorCutout.Providers.Tests.Resilience;

/// <summary>The provider HTTP chain against a real Kestrel server on 127.0.0.1 that misbehaves on purpose.</summary>
public sealed class ResilienceHandlerTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private int _flaky;
    private int _inFlight;
    private int _maxInFlight;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync(app =>
    {
        // 429 with Retry-After: 1 the first time, then 200.
        app.MapMethods("/throttled", ["GET", "POST"], (HttpContext ctx) =>
        {
            if (Interlocked.Increment(ref _flaky) == 1)
            {
                ctx.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(429);
            }
            return Results.Text("ok");
        });
        app.MapGet("/throttled-long", (HttpContext ctx) =>
        {
            ctx.Response.Headers.RetryAfter = "3600";
            return Results.StatusCode(429);
        });
        app.MapMethods("/fail", ["GET", "POST"], () => Results.StatusCode(500));
        app.MapGet("/stall", async (HttpContext ctx) => await Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        app.MapGet("/held", async () =>
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, now);
            await _release.Task;
            Interlocked.Decrement(ref _inFlight);
            return Results.Text("done");
        });
        app.MapGet("/ok", () => Results.Text("ok"));
    });

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private (HttpClient Client, ProviderResiliencePipeline Pipeline, CapturingLoggerProvider Logs) Client(
        ProviderResilienceOptions? options = null, ProviderRate? rate = null)
    {
        var logs = new CapturingLoggerProvider();
        var guard = new UrlGuard(new UrlGuardOptions { AllowHttp = true, AllowedTestEndpoints = [_server.Endpoint] });
        var factory = new ProviderHttpClientFactory(new SafeHttpHandlerFactory(guard), logs);
        var descriptor = Descriptors.Remote(rate: rate);
        options ??= new ProviderResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(10) };
        var client = factory.CreateClient(descriptor, _server.BaseUri, options);
        return (client, factory.GetPipeline(descriptor), logs);
    }

    [Fact]
    public async Task Retries_a_429_after_the_Retry_After_delay_then_succeeds()
    {
        var (client, _, logs) = Client();
        using var response = await client.GetAsync("throttled");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.Hits("/throttled"));
        // The delay the retry used came from the header (1 s), not from the 10 ms back-off.
        Assert.Contains("in 1000 ms after HTTP 429 (Retry-After)", logs.All);
    }

    [Fact]
    public async Task Retries_a_429_even_for_a_charging_POST()
    {
        var (client, _, _) = Client();
        using var response = await client.PostAsync("throttled", new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.Hits("/throttled"));
    }

    [Fact]
    public async Task Does_not_wait_out_a_Retry_After_longer_than_allowed()
    {
        var (client, _, _) = Client();
        using var response = await client.GetAsync("throttled-long");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, _server.Hits("/throttled-long"));
        var e = HttpErrorClassifier.FromStatus(response.StatusCode, "Submitting", RetryAfterHeader.Read(response, DateTimeOffset.UtcNow));
        Assert.Equal(ProviderErrorCode.RateLimited, e.Code);
        Assert.True(e.IsTransient);
        Assert.Equal(TimeSpan.FromHours(1), e.RetryAfter);
    }

    [Fact]
    public async Task Retries_5xx_for_GET()
    {
        var (client, _, _) = Client(new ProviderResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxRetryAttempts = 2, BreakerMinimumThroughput = 100 });
        using var response = await client.GetAsync("fail");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(3, _server.Hits("/fail"));
    }

    [Fact]
    public async Task Does_not_retry_5xx_for_a_POST_that_may_have_been_accepted()
    {
        var (client, _, _) = Client(new ProviderResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxRetryAttempts = 2, BreakerMinimumThroughput = 100 });
        using var response = await client.PostAsync("fail", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, _server.Hits("/fail"));
    }

    [Fact]
    public async Task Retries_a_POST_marked_safe()
    {
        var (client, _, _) = Client(new ProviderResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxRetryAttempts = 2, BreakerMinimumThroughput = 100 });
        using var request = new HttpRequestMessage(HttpMethod.Post, "fail") { Content = new ByteArrayContent([1]) };
        request.Options.Set(ProviderRequest.RetrySafe, true);
        using var response = await client.SendAsync(request);
        Assert.Equal(3, _server.Hits("/fail"));
    }

    [Fact]
    public async Task Repeated_500s_open_the_breaker_and_later_calls_do_not_reach_the_server()
    {
        var (client, _, logs) = Client(new ProviderResilienceOptions
        {
            MaxRetryAttempts = 0,
            BreakerMinimumThroughput = 3,
            BreakerFailureRatio = 0.5,
            BreakDuration = TimeSpan.FromMinutes(1),
        });
        for (var i = 0; i < 3; i++)
        {
            using var r = await client.GetAsync("fail");
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        }
        var e = await Assert.ThrowsAsync<ProviderException>(() => client.GetAsync("ok"));
        Assert.Equal(ProviderErrorCode.CircuitOpen, e.Code);
        Assert.True(e.IsTransient);
        Assert.NotNull(e.RetryAfter);
        Assert.Equal(3, _server.Hits("/fail"));
        Assert.Equal(0, _server.Hits("/ok"));
        Assert.Contains("circuit opened", logs.All);
    }

    [Fact]
    public async Task The_breaker_state_and_the_last_outage_are_readable_for_the_admin_page()
    {
        var (client, pipeline, _) = Client(new ProviderResilienceOptions
        {
            MaxRetryAttempts = 0,
            BreakerMinimumThroughput = 2,
            BreakerFailureRatio = 0.5,
            BreakDuration = TimeSpan.FromMilliseconds(500), // Polly's shortest
        });
        Assert.Equal(ProviderHealthSnapshot.Unknown, pipeline.Health.Snapshot);
        var before = DateTimeOffset.UtcNow;

        for (var i = 0; i < 2; i++) (await client.GetAsync("fail")).Dispose();
        await Assert.ThrowsAsync<ProviderException>(() => client.GetAsync("ok"));

        var open = pipeline.Health.Snapshot;
        Assert.Equal(CircuitState.Open, open.Circuit);
        Assert.Equal("HTTP 500", open.LastFailure);
        Assert.True(open.LastFailureAt >= before && open.CircuitSince >= before);

        // After the break, one trial call goes through (half-open); it succeeds, so the breaker closes again.
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        using (var trial = await client.GetAsync("ok"))
            Assert.Equal(HttpStatusCode.OK, trial.StatusCode);
        var closed = pipeline.Health.Snapshot;
        Assert.Equal(CircuitState.Closed, closed.Circuit);
        Assert.Equal("HTTP 500", closed.LastFailure); // the last outage stays on record
    }

    [Fact]
    public async Task A_breaker_is_per_provider()
    {
        var (broken, _, _) = Client(new ProviderResilienceOptions { MaxRetryAttempts = 0, BreakerMinimumThroughput = 2, BreakDuration = TimeSpan.FromMinutes(1) });
        for (var i = 0; i < 2; i++) (await broken.GetAsync("fail")).Dispose();
        await Assert.ThrowsAsync<ProviderException>(() => broken.GetAsync("ok"));

        var (healthy, _, _) = Client();
        using var response = await healthy.GetAsync("ok");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_stalled_attempt_times_out_and_is_retried_for_GET()
    {
        // The attempt timeout is long enough for a request to reach the in-process server even on a loaded
        // 2-core CI machine (at 200 ms, CI once saw the first attempt time out before it arrived).
        var (client, _, logs) = Client(new ProviderResilienceOptions
        {
            AttemptTimeout = TimeSpan.FromSeconds(1), MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(5), BreakerMinimumThroughput = 100,
        });
        var e = await Assert.ThrowsAsync<ProviderException>(() => client.GetAsync("stall"));
        Assert.Equal(ProviderErrorCode.Timeout, e.Code);
        Assert.True(e.IsTransient);
        Assert.Contains(logs.Lines, line => line.Contains("retry 1 of GET") && line.Contains("TimeoutRejectedException"));
        await Eventually.TrueAsync(() => _server.Hits("/stall") == 2, "two attempts reached the server");
    }

    [Fact]
    public async Task The_total_timeout_bounds_all_attempts()
    {
        var (client, _, _) = Client(new ProviderResilienceOptions
        {
            AttemptTimeout = TimeSpan.FromMinutes(1), TotalTimeout = TimeSpan.FromMilliseconds(300), BreakerMinimumThroughput = 100,
        });
        var e = await Assert.ThrowsAsync<ProviderException>(() => client.GetAsync("stall"));
        Assert.Equal(ProviderErrorCode.Timeout, e.Code);
    }

    [Fact]
    public async Task Concurrency_limit_holds_requests_back()
    {
        var (client, pipeline, _) = Client(rate: new ProviderRate(null, 1));
        var first = client.GetAsync("held");
        await Eventually.TrueAsync(() => Volatile.Read(ref _inFlight) == 1, "first request in flight");
        var second = client.GetAsync("held");
        await Eventually.TrueAsync(() => pipeline.Limiter.QueuedCount == 1, "second request queued");
        Assert.Equal(1, _server.Hits("/held"));

        _release.SetResult();
        (await first).Dispose();
        (await second).Dispose();
        Assert.Equal(2, _server.Hits("/held"));
        Assert.Equal(1, _maxInFlight);
    }

    [Fact]
    public async Task Requests_per_second_limit_queues_the_excess()
    {
        var (client, pipeline, _) = Client(rate: new ProviderRate(1, 8));
        (await client.GetAsync("ok")).Dispose();
        var second = client.GetAsync("ok");
        await Eventually.TrueAsync(() => pipeline.Limiter.QueuedCount == 1, "second request waits for a token");
        Assert.Equal(1, _server.Hits("/ok"));
        (await second).Dispose();
        Assert.Equal(2, _server.Hits("/ok"));
    }

    [Fact]
    public void A_raised_attempt_timeout_raises_the_total_by_as_much_and_a_long_enough_one_stays()
    {
        var configured = new ProviderResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(30), TotalTimeout = TimeSpan.FromSeconds(120) };

        var raised = configured.WithAttemptTimeoutAtLeast(TimeSpan.FromSeconds(190));

        Assert.Equal((TimeSpan.FromSeconds(190), TimeSpan.FromSeconds(280)), (raised.AttemptTimeout, raised.TotalTimeout));
        Assert.Equal(configured.MaxRetryAttempts, raised.MaxRetryAttempts);
        Assert.Same(configured, configured.WithAttemptTimeoutAtLeast(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Equal_settings_share_a_pipeline_and_changed_ones_get_a_new_one()
    {
        var factory = new ProviderHttpClientFactory(new SafeHttpHandlerFactory(new UrlGuard(new UrlGuardOptions())));
        var descriptor = Descriptors.Remote();
        var first = factory.GetPipeline(descriptor, new ProviderResilienceOptions());

        Assert.Same(first, factory.GetPipeline(descriptor, new ProviderResilienceOptions()));
        Assert.Same(first, factory.GetPipeline(descriptor));
        var changed = factory.GetPipeline(descriptor, new ProviderResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(190) });
        Assert.NotSame(first, changed);
        Assert.Same(changed, factory.GetPipeline(descriptor));
    }

    [Fact]
    public async Task Connection_refused_becomes_a_transient_network_error()
    {
        // A socket bound but not listening: connecting is refused, and no other process can take the port meanwhile.
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)bound.LocalEndPoint!).Port;
        var guard = new UrlGuard(new UrlGuardOptions { AllowHttp = true, AllowedTestEndpoints = [$"127.0.0.1:{port}"] });
        var factory = new ProviderHttpClientFactory(new SafeHttpHandlerFactory(guard));
        using var client = factory.CreateClient(Descriptors.Remote(), new Uri($"http://127.0.0.1:{port}/"),
            new ProviderResilienceOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(5) });
        var e = await Assert.ThrowsAsync<ProviderException>(() => client.PostAsync("submit", new ByteArrayContent([1])));
        Assert.Equal(ProviderErrorCode.NetworkError, e.Code);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public async Task The_guard_applies_to_provider_APIs_too()
    {
        var guard = new UrlGuard(new UrlGuardOptions { AllowHttp = true, AllowNonDefaultPorts = true });
        var factory = new ProviderHttpClientFactory(new SafeHttpHandlerFactory(guard));
        var e = Assert.Throws<UrlRefusedException>(() => factory.CreateClient(Descriptors.Remote(), _server.BaseUri));
        Assert.Equal(AddressCategory.Loopback, e.Category);

        // And at connect time, for a name that resolves to loopback.
        using var client = factory.CreateClient(Descriptors.Remote(), new Uri($"http://localhost:{_server.Port}/"));
        var refused = await Assert.ThrowsAsync<UrlRefusedException>(() => client.GetAsync("ok"));
        Assert.Equal(AddressCategory.Loopback, refused.Category);
        Assert.Equal(0, _server.Hits("/ok"));
    }
}
