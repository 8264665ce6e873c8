using System.Diagnostics;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Emulators.PicWish;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Tests.PicWish;
using BlazorCutout.Providers.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace BlazorCutout.Providers.Tests.Resilience;

/// <summary>
/// Issue 8 item 4: pacing at the configured rate must not itself cause 429s. The emulator's gate is a strict sliding
/// window (any N+1 admitted requests within one second: 429), as PicWish documents its QPS limit (004).
/// </summary>
public sealed class PacingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_burst_of_ten_tasks_at_the_services_own_rate_sees_fewer_than_5_percent_429s()
    {
        var settings = PicWishRig.Settings(requestsPerSecond: 2); // 004's default QPS
        settings.Walk = JobWalk.Immediate;
        // The simple engine: this test is about request timing, and the real model on a loaded machine only slows it.
        var emulator = new PicWishEmulator(settings, new PixelMaker(new SimpleCutoutEngine()));
        await using var rig = await PicWishRig.StartAsync(emulator);
        var provider = rig.PicWish(o =>
        {
            o.RequestsPerSecond = 2; // configured exactly as the service allows
            o.Concurrency = 4;
            o.Resilience = TestOptions.FastResilience(retries: 12);
        });

        // One task first, so the burst meets a warm server: a cold emulator on a loaded machine holds its first
        // requests back and then admits them together, which squeezes any client's spacing. Then a quiet second.
        Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, PicWishRig.Job()));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        rig.Requests.Clear();

        ProviderPoll[] finals;
        try
        {
            finals = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PicWishRig.RunAsync(provider, PicWishRig.Job())));
        }
        catch (ProviderException e)
        {
            var statuses = string.Join(", ", rig.Requests.Entries.GroupBy(r => r.Status).Select(g => $"{g.Key}: {g.Count()}"));
            throw new Xunit.Sdk.XunitException($"{e.Message} (answers: {statuses})\n{string.Join("\n", rig.Logs.All.Split('\n').TakeLast(40))}");
        }

        Assert.All(finals, f => Assert.IsType<ProviderPoll.Done>(f));
        var calls = rig.Requests.Entries.Where(e => e.Path.StartsWith(PicWishEmulator.CreatePath, StringComparison.Ordinal)).ToList();
        var refused = calls.Count(e => e.Status == 429);
        output.WriteLine($"429 fraction: {refused} of {calls.Count} calls ({100.0 * refused / calls.Count:0.0} %)");
        Assert.True(calls.Count >= 20, $"10 creates and at least 10 polls, saw {calls.Count}");
        Assert.True(refused * 20 < calls.Count, $"{refused} of {calls.Count} calls got 429 (limit: fewer than 5 %)");
    }

    [Fact]
    public async Task Sends_are_spaced_evenly_never_bunched_at_the_start()
    {
        using var limiter = new ProviderRateLimiter("demo", new ProviderRate(20, 8));
        var clock = Stopwatch.StartNew();
        var times = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var lease = await limiter.AcquireAsync(CancellationToken.None);
            return clock.Elapsed;
        }));

        var ordered = times.Order().ToArray();
        // Lower bounds only (a busy machine makes waits longer, never shorter): the i-th send leaves no earlier than i
        // spacings after the start, where a bucket would have let all six go at once.
        var tolerance = TimeSpan.FromMilliseconds(2);
        for (var i = 1; i < ordered.Length; i++)
            Assert.True(ordered[i] >= i * limiter.Spacing - tolerance, $"send {i} left after {ordered[i].TotalMilliseconds:0.0} ms");
        Assert.Equal(TimeSpan.FromSeconds(1.1 / 20), limiter.Spacing);
    }

    [Fact]
    public void The_emulator_refuses_any_n_plus_1_requests_within_one_second_boundaries_included()
    {
        var time = new ManualClock();
        var gate = new RequestRateGate(2, time);

        Assert.True(gate.TryEnter(out _));          // t = 0
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(gate.TryEnter(out _));          // t = 0.5
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(gate.TryEnter(out _));         // t = 1.0: 0, 0.5 and 1.0 lie within one second
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(gate.TryEnter(out _));          // t = 1.001: the request at 0 has left
        Assert.False(gate.TryEnter(out var retryAfter));
        Assert.True(retryAfter > TimeSpan.Zero);
        Assert.Equal((3, 2), (gate.Admitted, gate.Refused));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
