using BlazorCutout.Emulators.HitPaw;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Emulators.PicWish;
using BlazorCutout.Emulators.Tengr;
using BlazorCutout.Providers.HitPaw;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Tengr;
using BlazorCutout.Providers.Tests.PicWish;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace BlazorCutout.Providers.Tests.Contract;

/// <summary>
/// Issue #12 item 2's "test connection" against the emulators: one status query of a task that cannot exist, which the
/// documents make free (PicWish 004: GET of the task, 404 when unknown, 401 for a bad key; HitPaw 003: POST
/// /api/task-status, 110400000 for a bad key), and a plain "none" for the services that document no free call.
/// </summary>
public sealed class ConnectionTestTests
{
    private static readonly PixelMaker FastPixels = new(new SimpleCutoutEngine());

    [Fact]
    public async Task PicWish_answers_an_unknown_task_query_so_the_key_is_accepted_and_nothing_is_created()
    {
        await using var rig = await PicWishRig.StartAsync(new PicWishEmulator(PicWishRig.Settings(), FastPixels));

        var result = await rig.PicWish().TestConnectionAsync(CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.KeyAccepted, result.Outcome);
        Assert.Contains("GET /api/tasks/visual/segmentation/{task_id}", result.Message);
        var call = Assert.Single(rig.Requests.Entries);
        Assert.Equal(("GET", 404), (call.Method, call.Status));
        Assert.StartsWith("/api/tasks/visual/segmentation/blazorcutout-connection-test-", call.Path);
    }

    [Fact]
    public async Task PicWish_with_a_wrong_key_is_reported_as_a_refused_key()
    {
        await using var rig = await PicWishRig.StartAsync(new PicWishEmulator(
            new EmulatorSettings { ApiKey = "another-key-entirely-000000000000", RequestsPerSecond = 0 }, FastPixels));
        var provider = rig.PicWish();

        var result = await provider.TestConnectionAsync(CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.KeyRefused, result.Outcome);
        Assert.Contains("HTTP 401", result.Message);
        Assert.Equal("The API key was refused; an administrator must check it.", provider.AccountState?.Reason); // the hold a task would set
    }

    [Fact]
    public async Task HitPaw_answers_the_status_of_an_unknown_job_without_charging_coins()
    {
        await using var rig = await UrlProviderRig.StartAsync(new HitPawEmulator(
            new HitPawEmulatorSettings { ApiKey = UrlProviderRig.Key, Coins = 100, RequestsPerSecond = 0 }, FastPixels));
        var provider = new HitPawProvider(Options.Create(rig.Aim(new HitPawOptions())), rig.Http, rig.Downloader, rig.Logs.CreateLogger<HitPawProvider>());

        var result = await provider.TestConnectionAsync(CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.KeyAccepted, result.Outcome);
        var call = Assert.Single(rig.Requests.Entries);
        Assert.Equal(("POST", HitPawEmulator.StatusPath), (call.Method, call.Path));
        Assert.Empty(rig.Requests.For("POST", HitPawEmulator.SubmitPath));
        Assert.Null(provider.AccountState);
    }

    [Fact]
    public async Task HitPaw_with_a_wrong_key_is_reported_as_a_refused_key()
    {
        await using var rig = await UrlProviderRig.StartAsync(new HitPawEmulator(
            new HitPawEmulatorSettings { ApiKey = "another-key-entirely-000000000000", RequestsPerSecond = 0 }, FastPixels));
        var provider = new HitPawProvider(Options.Create(rig.Aim(new HitPawOptions())), rig.Http, rig.Downloader, rig.Logs.CreateLogger<HitPawProvider>());

        var result = await provider.TestConnectionAsync(CancellationToken.None);

        Assert.Equal(ConnectionTestOutcome.KeyRefused, result.Outcome);
        Assert.Contains("not valid", result.Message);
    }

    [Fact]
    public async Task Services_that_document_no_free_call_say_so_and_nothing_is_sent()
    {
        await using var tengr = await UrlProviderRig.StartAsync(new TengrEmulator(new TengrEmulatorSettings { ApiKey = UrlProviderRig.Key, RequestsPerSecond = 0 }, FastPixels));
        var tengrProvider = new TengrProvider(Options.Create(tengr.Aim(new TengrOptions())), tengr.Http, tengr.Downloader, tengr.Logs.CreateLogger<TengrProvider>());
        await using var gptge = await PicWishRig.StartAsync(new BlazorCutout.Emulators.GptGe.GptGeEmulator(PicWishRig.Settings(), FastPixels));

        foreach (var provider in new IProviderConnectionTest[] { tengrProvider, gptge.GptGe() })
        {
            var result = await provider.TestConnectionAsync(CancellationToken.None);
            Assert.Equal(ConnectionTestOutcome.NotOffered, result.Outcome);
            Assert.Contains("documents no call that costs nothing", result.Message);
        }
        Assert.Empty(tengr.Requests.Entries);
        Assert.Empty(gptge.Requests.Entries);
    }
}
