using BlazorCutout.Emulators.Kit;
using BlazorCutout.Engine;
using BlazorCutout.Providers.GptGe;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace BlazorCutout.Providers.Tests.PicWish;

/// <summary>
/// PicWish / gpt.ge tests' shared set-up: an emulator on loopback, a URL guard allowing exactly its endpoint (plus any
/// extra loopback servers), the real provider HTTP pipeline with captured logs, and fast polling.
/// </summary>
public sealed class PicWishRig : IAsyncDisposable
{
    public const string Key = "sk-pw-5ecret-k3y-0123456789abcdef";
    public static readonly byte[] SourcePng = Backgrounds.SubjectPhoto(96, 72);
    private readonly List<IAsyncDisposable> _owned = [];

    private PicWishRig(EmulatorHost host, UrlGuardOptions guard)
    {
        Host = host;
        Guard = guard;
        Handlers = new SafeHttpHandlerFactory(new UrlGuard(guard));
        Http = new ProviderHttpClientFactory(Handlers, Logs);
        Downloader = new SafeDownloader(Handlers, Logs.CreateLogger<SafeDownloader>());
    }

    public EmulatorHost Host { get; }
    public UrlGuardOptions Guard { get; }
    public SafeHttpHandlerFactory Handlers { get; }
    public ProviderHttpClientFactory Http { get; }
    public SafeDownloader Downloader { get; }
    public CapturingLoggerProvider Logs { get; } = new();
    public RequestLog Requests => Host.Emulator.Log;

    /// <summary>Emulator settings for tests: our key, no rate limit unless asked (tests run many requests), real engine if present.</summary>
    public static EmulatorSettings Settings(double requestsPerSecond = 0) => new() { ApiKey = Key, RequestsPerSecond = requestsPerSecond };

    public static async Task<PicWishRig> StartAsync(ServiceEmulator emulator, params string[] extraEndpoints)
    {
        var host = await emulator.StartAsync();
        return new PicWishRig(host, new UrlGuardOptions
        {
            AllowHttp = true, // loopback servers speak plain http; the endpoint allowance stays narrow
            AllowedTestEndpoints = [host.Endpoint, .. extraEndpoints],
        });
    }

    public PicWishProvider PicWish(Action<PicWishOptions>? configure = null)
    {
        var o = new PicWishOptions().AimAt(Host.BaseUri, Key, requestsPerSecond: 1000, poll: TimeSpan.FromMilliseconds(5));
        configure?.Invoke(o);
        return new PicWishProvider(Options.Create(o), Http, Downloader, Logs.CreateLogger<PicWishProvider>());
    }

    public GptGeProvider GptGe(Action<GptGeOptions>? configure = null)
    {
        var o = new GptGeOptions().AimAt(Host.BaseUri, Key, requestsPerSecond: 1000, poll: TimeSpan.FromMilliseconds(5));
        configure?.Invoke(o);
        return new GptGeProvider(Options.Create(o), Http, Downloader, Logs.CreateLogger<GptGeProvider>());
    }

    public static ProviderJob Job(JobOptions? options = null, string fileName = "photo.png", ProviderOperation operation = ProviderOperation.RemoveBackground,
        Uri? callback = null) =>
        new("task-" + Guid.NewGuid().ToString("N")[..8], operation, options ?? new JobOptions(),
            JobImage.FromBytes(SourcePng, fileName, "image/png"), callback);

    public void Own(IAsyncDisposable d) => _owned.Add(d);

    /// <summary>What the worker does after Accepted: poll with the descriptor's cadence until Done or Failed.</summary>
    public static async Task<(ProviderPoll Final, List<ProviderPoll.Progress> Progress)> PollToEndAsync(ICutoutProvider provider, string taskId, TimeSpan? giveUpAfter = null)
    {
        var seen = new List<ProviderPoll.Progress>();
        // A wall-clock bound, generous on purpose: the emulators make real cutouts through one shared engine, and on a
        // loaded 2-core machine a job can wait several seconds for it. A poll count would be a hidden time limit.
        var deadline = DateTime.UtcNow + (giveUpAfter ?? TimeSpan.FromMinutes(3));
        for (var n = 0; DateTime.UtcNow < deadline; n++)
        {
            await Task.Delay(provider.Descriptor.Polling.DelayBefore(n));
            var poll = await provider.PollAsync(taskId, CancellationToken.None);
            if (poll is ProviderPoll.Progress p) { seen.Add(p); continue; }
            return (poll, seen);
        }
        throw new TimeoutException($"task {taskId} never finished within {giveUpAfter ?? TimeSpan.FromMinutes(3)}");
    }

    /// <summary>Submit, then poll to the end (or take the synchronous result).</summary>
    public static async Task<ProviderPoll> RunAsync(ICutoutProvider provider, ProviderJob job)
    {
        var submission = await provider.SubmitAsync(job, CancellationToken.None);
        return submission switch
        {
            ProviderSubmission.Completed c => c.Result,
            ProviderSubmission.Accepted a => (await PollToEndAsync(provider, a.ProviderTaskId)).Final,
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>Proof the bytes are an image: PNGs are fully inflated and their scanlines counted; others probed by the engine.</summary>
    public static (string Format, int Width, int Height) AssertImage(DownloadedContent content)
    {
        Assert.StartsWith("image/", content.ContentType);
        if (content.ContentType == "image/png")
        {
            var info = PngDecode.Decode(content.Bytes);
            return ("png", info.Width, info.Height);
        }
        var probe = PixelEngines.Shared.Probe(content.Bytes);
        Assert.True(probe.Width > 0 && probe.Height > 0);
        return (probe.Format, probe.Width, probe.Height);
    }

    /// <summary>Nothing we log may hold the key; the emulator's own request log keeps credentials redacted too.</summary>
    public void AssertNoKeyLeaked()
    {
        Assert.DoesNotContain(Key, Logs.All);
        Assert.DoesNotContain(Key[6..^4], Logs.All);
        foreach (var e in Requests.Entries)
            Assert.DoesNotContain(e.Headers.Values, v => v.Contains(Key[6..^4], StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _owned) await d.DisposeAsync();
        Downloader.Dispose();
        await Http.DisposeAsync();
        await Host.DisposeAsync();
    }
}
