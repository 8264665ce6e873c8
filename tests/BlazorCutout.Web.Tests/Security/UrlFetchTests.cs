using BlazorCutout.Bench;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.UrlFetch;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tests.Security;

/// <summary>
/// What an image URL may cost the server (issue 13, item 4): bodies cut off at the chosen provider's limit after at most
/// one byte more, written to a temporary file that is gone afterwards, and caps on fetches at once per user and overall.
/// Real HTTP to a Kestrel image host on loopback, through the app's own fetch path.
/// </summary>
public sealed class UrlFetchTests(UrlFetchTests.App app) : IClassFixture<UrlFetchTests.App>
{
    private const long MB = 1024 * 1024;

    public sealed class App : IAsyncLifetime
    {
        /// <summary>Takes files (so its 1 MB counts), though it would fetch 3 MB by URL itself, as PicWish does.</summary>
        public ScriptedProvider FileProvider { get; } = new("file-limits", maxBytes: 1 * MB, maxBytesByUrl: 3 * MB);
        /// <summary>Fetches our link itself: its by-URL limit counts.</summary>
        public ScriptedProvider UrlProvider { get; } = new("url-limits", inputs: ProviderInputs.Url, maxBytes: 1 * MB, maxBytesByUrl: 3 * MB);
        public StreamingImageServer Images { get; private set; } = null!;
        public TasksApp Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Images = await StreamingImageServer.StartAsync(TestImages.Source);
            Host = new TasksApp()
                .WithSetting("BlazorCutout:Tasks:RunWorker", "false")
                .WithSetting("Security:UrlGuard:AllowHttp", "true")
                .WithSetting("Security:UrlGuard:AllowNonDefaultPorts", "true")
                .WithSetting("Security:UrlGuard:AllowedTestEndpoints:0", Images.Endpoint)
                .WithProvider(FileProvider)
                .WithProvider(UrlProvider);
            _ = Host.Services; // start
        }

        public string FetchDirectory => Host.Services.GetRequiredService<IOptions<UrlFetchOptions>>().Value.Directory!;

        public UrlFetchGate Gate => Host.Services.GetRequiredService<UrlFetchGate>();

        public async Task DisposeAsync()
        {
            Host.Dispose();
            await Images.DisposeAsync();
        }
    }

    /// <summary>Records every report at once (<see cref="Progress{T}"/> would post them later).</summary>
    private sealed class BytesRead : IProgress<long>
    {
        private long _max;
        public long Max => Interlocked.Read(ref _max);
        public void Report(long value)
        {
            long seen;
            while (value > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen) { }
        }
    }

    [Theory]
    [InlineData("local", 20 * MB, "20 MB, the most Local engine accepts")]
    [InlineData("file-limits", 1 * MB, "1 MB, the most Scripted file-limits accepts")]
    [InlineData("url-limits", 3 * MB, "3 MB, the most Scripted url-limits accepts")]
    public async Task A_body_past_the_providers_limit_is_refused_naming_it_after_one_byte_more(string providerId, long limit, string named)
    {
        var user = await app.Host.CreateUserAsync();
        var read = new BytesRead();

        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() =>
            app.Host.Tasks.FetchImageAsync(user, providerId, app.Images.Url($"/stream/{200 * MB}").ToString(), read));

        Assert.Equal(nameof(ProviderErrorCode.DownloadTooLarge), refused.Code);
        Assert.Contains($"The image at 127.0.0.1 is larger than {named}.", refused.Message);
        // The body is 200 MB; the fetch read one byte past the limit and no further.
        Assert.Equal(limit + 1, read.Max);
        Assert.Empty(Directory.GetFiles(app.FetchDirectory));
        Assert.Equal(0, app.Gate.Running);
    }

    [Fact]
    public async Task An_image_within_the_limit_arrives_whole_and_its_temporary_file_is_gone()
    {
        var user = await app.Host.CreateUserAsync();
        var read = new BytesRead();

        var image = await app.Host.Tasks.FetchImageAsync(user, "local", app.Images.Url("/image.png").ToString(), read);

        Assert.Equal(TestImages.Source, image.Bytes);
        Assert.Equal("image/png", image.ContentType);
        Assert.Equal("image.png", image.FileName);
        Assert.Equal(TestImages.Source.LongLength, read.Max);
        Assert.Empty(Directory.GetFiles(app.FetchDirectory));
    }

    [Fact]
    public async Task Fetches_at_once_are_capped_per_user_and_overall_and_a_refusal_says_to_try_again()
    {
        // Defaults: 2 per user, 4 overall. The image host holds every /held/ answer until released.
        var (alice, bob, carol) = (await app.Host.CreateUserAsync(), await app.Host.CreateUserAsync(), await app.Host.CreateUserAsync());
        string Held(string name) => app.Images.Url($"/held/{name}.png").ToString();
        var running = new List<Task<IncomingImage>>
        {
            app.Host.Tasks.FetchImageAsync(alice, "local", Held("a1")),
            app.Host.Tasks.FetchImageAsync(alice, "local", Held("a2")),
        };
        await WaitUntilAsync(() => app.Images.HeldArrived == 2, "alice's two fetches reached the host");

        var third = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Host.Tasks.FetchImageAsync(alice, "local", Held("a3")));
        Assert.Equal(UrlFetchGate.UserBusyCode, third.Code);
        Assert.Equal("2 downloads of yours are still running (the most at once); try again when one finishes.", third.Message);
        Assert.True(UrlFetchGate.IsBusy(third));

        running.Add(app.Host.Tasks.FetchImageAsync(bob, "local", Held("b1")));
        running.Add(app.Host.Tasks.FetchImageAsync(bob, "local", Held("b2")));
        await WaitUntilAsync(() => app.Images.HeldArrived == 4, "bob's two fetches reached the host");

        var fifth = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Host.Tasks.FetchImageAsync(carol, "local", Held("c1")));
        Assert.Equal(UrlFetchGate.ServerBusyCode, fifth.Code);
        Assert.Contains("try again in a moment", fifth.Message);
        Assert.Equal(4, app.Images.HeldArrived); // refused before any connection was made
        Assert.Equal(4, app.Gate.Running);

        app.Images.Release();
        foreach (var image in await Task.WhenAll(running))
            Assert.Equal(TestImages.Source, image.Bytes);

        // Nothing was lost: the slots came back, and the refused ones go through now.
        Assert.Equal(0, app.Gate.Running);
        Assert.Equal(TestImages.Source, (await app.Host.Tasks.FetchImageAsync(carol, "local", Held("c1"))).Bytes);
        Assert.Equal(TestImages.Source, (await app.Host.Tasks.FetchImageAsync(alice, "local", Held("a3"))).Bytes);
        Assert.Empty(Directory.GetFiles(app.FetchDirectory));
    }

    [Fact]
    public async Task A_cancelled_fetch_gives_its_slot_back_and_leaves_no_file()
    {
        var user = await app.Host.CreateUserAsync();
        using var cancel = new CancellationTokenSource();
        var read = new BytesRead();
        // The host sends the start of a PNG, then nothing: cancelled once that start is on disk.
        var fetch = app.Host.Tasks.FetchImageAsync(user, "local", app.Images.Url("/stall").ToString(), read, cancel.Token);
        await WaitUntilAsync(() => read.Max > 0 && Directory.GetFiles(app.FetchDirectory).Length == 1, "the body is being written to a temporary file");
        Assert.EndsWith(".part", Directory.GetFiles(app.FetchDirectory).Single());

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
        Assert.Empty(Directory.GetFiles(app.FetchDirectory));
        Assert.Equal(0, app.Gate.Running);
    }

    [Theory]
    [InlineData("MaxPerUser", "0", "BlazorCutout:UrlFetch:MaxPerUser must be at least 1")]
    [InlineData("MaxConcurrent", "1", "BlazorCutout:UrlFetch:MaxPerUser (2) cannot be more than BlazorCutout:UrlFetch:MaxConcurrent (1)")]
    public void Settings_that_cannot_work_stop_the_start_naming_the_setting(string key, string value, string message)
    {
        using var host = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false").WithSetting($"BlazorCutout:UrlFetch:{key}", value);
        var e = Assert.ThrowsAny<Exception>(() => _ = host.Services);
        Assert.Contains(message, e.ToString());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        // No timing assertion: the deadline only stops a hung test.
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > giveUp) throw new Xunit.Sdk.XunitException("Never happened: " + what);
            await Task.Delay(10);
        }
    }
}
