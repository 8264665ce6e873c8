using Xunit;
using Xunit.Abstractions;

namespace BlazorCutout.Engine.Tests.Engine;

/// <summary>
/// After <see cref="EngineOptions.ArenaIdleRelease"/> without a request the engine gives its memory arena back; the
/// model stays loaded and the next request gets the same result as before.
/// </summary>
[Collection("engine")]
public sealed class ArenaIdleReleaseTests(EngineFixture f, ITestOutputHelper output)
{
    [Fact]
    public async Task An_idle_engine_gives_its_arena_back_and_the_next_request_gets_the_same_result()
    {
        using var engine = new CutoutEngine(new EngineOptions
        {
            AssetsDirectory = f.AssetsDirectory, ArenaIdleRelease = TimeSpan.FromMilliseconds(300), MatteCacheEntries = 0,
        });
        var photo = f.Photo("astronaut.png");
        var options = new CutoutOptions { Output = OutputKind.Mask };

        await engine.CutOutAsync(new CutoutRequest(photo, options)); // loads the model
        var first = await engine.CutOutAsync(new CutoutRequest(photo, options));
        var held = ResidentMb();
        await WaitUntilAsync(() => engine.ArenaReleases >= 1, "the arena was given back after idle");
        var released = ResidentMb();

        var second = await engine.CutOutAsync(new CutoutRequest(photo, options));
        output.WriteLine($"resident set: {held} MB after a request, {released} MB after the idle release; " +
                         $"inference {first.Timings.Inference.TotalMilliseconds:0} ms before it, {second.Timings.Inference.TotalMilliseconds:0} ms just after");
        // The arena of one run of this model is ~950 MB; other tests of this process may allocate meanwhile, hence the margin.
        Assert.True(held - released >= 150, $"the resident set fell only from {held} MB to {released} MB");
        Assert.NotNull(first.Mask);
        Assert.Equal(first.Mask, second.Mask);
    }

    [Fact]
    public async Task Zero_keeps_the_arena()
    {
        using var engine = new CutoutEngine(new EngineOptions { AssetsDirectory = f.AssetsDirectory, ArenaIdleRelease = TimeSpan.Zero });
        await engine.CutOutAsync(new CutoutRequest(f.Photo("astronaut.png"), new CutoutOptions { Output = OutputKind.Mask }));

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, engine.ArenaReleases);
    }

    private static long ResidentMb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30); // stops a hung test only; not a timing assertion
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Never happened: " + what);
            await Task.Delay(20);
        }
    }
}
