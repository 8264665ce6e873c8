using System.Collections.Concurrent;
using System.Text.Json;
using BlazorCutout.Emulators.GptGe;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Engine;
using BlazorCutout.Providers.GptGe;
using BlazorCutout.Providers.Tests.PicWish;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace BlazorCutout.Providers.Tests.GptGe;

public sealed class GptGeProviderTests
{
    private static GptGeEmulator Emulator() => new(PicWishRig.Settings(), PixelEngines.Shared);

    private static ProviderJob Background(int batch, string prompt = "a sunny beach at golden hour", string fileName = "fg.png", Uri? callback = null) =>
        PicWishRig.Job(new JobOptions { BackgroundPrompt = prompt, BatchSize = batch }, fileName, ProviderOperation.GenerateBackground, callback);

    [Fact]
    public async Task Cutout_async_with_bearer_yields_a_real_image()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe();

        var accepted = Assert.IsType<ProviderSubmission.Accepted>(await provider.SubmitAsync(PicWishRig.Job(new JobOptions { Output = OutputKind.ImageAndMask }), CancellationToken.None));
        Assert.DoesNotContain("#", accepted.ProviderTaskId);
        var (final, progress) = await PicWishRig.PollToEndAsync(provider, accepted.ProviderTaskId);

        var done = Assert.IsType<ProviderPoll.Done>(final);
        Assert.NotEmpty(progress);
        Assert.Equal([ResultRole.Image, ResultRole.Mask], done.Results.Select(r => r.Role));
        foreach (var r in done.Results) PicWishRig.AssertImage(await provider.FetchAsync(r, CancellationToken.None));
        var create = Assert.Single(rig.Requests.For("POST", GptGeEmulator.SegmentationPath));
        Assert.StartsWith("(redacted", create.Header("Authorization"));
        Assert.Equal(("0", "1", "png"), (create.Field("sync"), create.Field("output_type"), create.Field("format")));
        Assert.False(create.HasField("return_type"));
        Assert.NotEmpty(rig.Requests.For("GET", "/task/"));
        rig.AssertNoKeyLeaked();
    }

    [Fact]
    public async Task A_batch_of_three_backgrounds_gives_three_different_real_images()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe();

        var accepted = Assert.IsType<ProviderSubmission.Accepted>(await provider.SubmitAsync(Background(3), CancellationToken.None));
        Assert.EndsWith("#n=3", accepted.ProviderTaskId);
        var done = Assert.IsType<ProviderPoll.Done>((await PicWishRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final);

        Assert.Equal(3, done.Results.Count);
        Assert.Null(done.Note);
        Assert.Equal([0, 1, 2], done.Results.Select(r => r.Index));
        var files = new List<byte[]>();
        foreach (var r in done.Results)
        {
            var content = await provider.FetchAsync(r, CancellationToken.None);
            PicWishRig.AssertImage(content);
            files.Add(content.Bytes);
        }
        Assert.Equal(3, files.Select(Convert.ToBase64String).Distinct().Count());
        Assert.Equal(3m, provider.Descriptor.Prices.Estimate(ProviderOperation.GenerateBackground, 3).Amount);
        var create = Assert.Single(rig.Requests.For("POST", GptGeEmulator.BackgroundPath));
        Assert.Equal(("3", "a sunny beach at golden hour", "0"), (create.Field("batch_size"), create.Field("prompt"), create.Field("sync")));
    }

    [Theory]
    [InlineData("images", 2)]
    [InlineData("image-array", 2)]
    [InlineData("image-string", 1)]
    public async Task Result_lists_are_read_in_every_documented_shape(string shape, int batch)
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe();

        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, Background(batch, fileName: $"emulate[shape={shape}].png")));

        Assert.Equal(batch, done.Results.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_partial_batch_keeps_the_images_that_arrived_with_a_note_and_is_not_sent_again(bool sync)
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe(o => o.UseSync = sync);

        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, Background(3, fileName: "emulate[partial=2].png")));

        Assert.Equal([0, 1], done.Results.Select(r => r.Index));
        foreach (var r in done.Results) PicWishRig.AssertImage(await provider.FetchAsync(r, CancellationToken.None));
        Assert.Equal("gpt.ge returned 2 of the 3 requested backgrounds. gpt.ge prices a request by the number asked for, so the cost recorded is that of 3.", done.Note);
        Assert.Null(done.ReportedCost); // the pipeline records the price table's estimate for the batch size asked for
        Assert.Single(rig.Requests.For("POST", GptGeEmulator.BackgroundPath));
    }

    [Fact]
    public async Task A_batch_that_returns_no_image_fails_with_a_clear_message()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe();

        var failed = Assert.IsType<ProviderPoll.Failed>(await PicWishRig.RunAsync(provider, Background(3, fileName: "emulate[partial=0].png")));

        Assert.Equal(ProviderErrorCode.ProviderFailed, failed.Code);
        Assert.Equal("gpt.ge finished but returned none of the 3 requested backgrounds. Try again.", failed.UserMessage);
        Assert.Equal("partial=0/3", failed.ProviderDetail);
    }

    [Fact]
    public async Task Sync_background_generation_completes_in_the_create_answer()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        // An attempt timeout no real request meets: sync mode gives its requests PicWish's 190 s regardless.
        var provider = rig.GptGe(o => (o.UseSync, o.Resilience) = (true, TestOptions.FastResilience() with { AttemptTimeout = TimeSpan.FromMilliseconds(1) }));

        var done = Assert.IsType<ProviderSubmission.Completed>(await provider.SubmitAsync(Background(2), CancellationToken.None)).Result;

        Assert.Equal(2, done.Results.Count);
        Assert.Empty(rig.Requests.For("GET", "/task/"));
    }

    [Fact]
    public async Task The_completion_callback_reaches_a_loopback_listener()
    {
        var received = new ConcurrentQueue<string>();
        await using var listener = await LoopbackServer.StartAsync(app => app.MapPost("/hooks/{id}", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            received.Enqueue(await reader.ReadToEndAsync());
            return Results.Ok();
        }));
        var emulator = Emulator();
        await using var rig = await PicWishRig.StartAsync(emulator, listener.Endpoint);
        var provider = rig.GptGe();

        var accepted = Assert.IsType<ProviderSubmission.Accepted>(
            await provider.SubmitAsync(Background(2, callback: listener.Url("hooks/t1?sig=abc")), CancellationToken.None));
        // Polling still finishes the task; the callback is an optimisation that arrives on its own.
        Assert.IsType<ProviderPoll.Done>((await PicWishRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final);
        await Eventually.TrueAsync(() => !received.IsEmpty && emulator.Callbacks.Deliveries.Count > 0, "callback received");

        var create = Assert.Single(rig.Requests.For("POST", GptGeEmulator.BackgroundPath));
        Assert.Equal(listener.Url("hooks/t1?sig=abc").AbsoluteUri, create.Field("callback_url"));
        using var body = JsonDocument.Parse(received.First());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(GptGeTaskId.Parse(accepted.ProviderTaskId).TaskId, data.GetProperty("task_id").GetString());
        Assert.Equal(1, data.GetProperty("state").GetInt32());
        Assert.Equal(2, data.GetProperty("image").GetArrayLength());
        Assert.Equal(200, emulator.Callbacks.Deliveries.Single().Status);
    }

    [Fact]
    public async Task A_callback_url_the_guard_refuses_is_not_handed_out()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe();

        await Assert.ThrowsAsync<BlazorCutout.Providers.Security.UrlRefusedException>(() =>
            provider.SubmitAsync(Background(1, callback: new Uri("http://169.254.169.254/latest/meta-data")), CancellationToken.None));
        Assert.Empty(rig.Requests.Entries);
    }

    [Theory]
    [InlineData(-17, ProviderErrorCode.InvalidOption)]
    [InlineData(-16, ProviderErrorCode.ContentRejected)]
    [InlineData(-8, ProviderErrorCode.Timeout)]
    [InlineData(-3, ProviderErrorCode.InputNotAccepted)]
    public async Task Failure_states_use_the_picwish_table_with_gptge_wording(int state, ProviderErrorCode code)
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe();

        var failed = Assert.IsType<ProviderPoll.Failed>(await PicWishRig.RunAsync(provider, Background(1, prompt: $"emulate[state={state}] a forest")));

        Assert.Equal(code, failed.Code);
        Assert.Contains("gpt.ge", failed.UserMessage);
        Assert.StartsWith($"state={state}", failed.ProviderDetail);
    }

    [Theory]
    [InlineData("http=401", ProviderErrorCode.AuthenticationFailed)]
    [InlineData("http=400", ProviderErrorCode.InvalidInput)]
    [InlineData("http=500", ProviderErrorCode.ServerError)]
    [InlineData("body-status=413", ProviderErrorCode.FileTooLarge)]
    public async Task Http_errors_map_to_codes(string trigger, ProviderErrorCode code)
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe(o => o.Resilience = TestOptions.FastResilience(retries: 0));

        var e = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.SubmitAsync(PicWishRig.Job(fileName: $"emulate[{trigger}].png"), CancellationToken.None));

        Assert.Equal(code, e.Code);
        Assert.Contains("gpt.ge", e.Message);
        rig.AssertNoKeyLeaked();
    }

    [Fact]
    public async Task String_timestamps_are_accepted_as_well()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe();

        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, PicWishRig.Job(fileName: "emulate[timestamps=string].png")));

        Assert.InRange(Assert.IsType<ResultReference.Remote>(done.Results[0]).ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(65));
    }

    [Fact]
    public async Task An_expired_result_url_is_reported_as_expired()
    {
        var emulator = Emulator();
        await using var rig = await PicWishRig.StartAsync(emulator);
        var provider = rig.GptGe();
        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, Background(1)));

        emulator.ResultFiles.ExpireAll();
        var e = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.FetchAsync(done.Results[0], CancellationToken.None));

        Assert.Equal(ProviderErrorCode.NotFound, e.Code);
        Assert.Contains("The result expired at gpt.ge before BlazorCutout could fetch it", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task Batch_sizes_outside_1_to_4_and_long_prompts_are_refused_before_sending(int batch)
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.GptGe();

        var e1 = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.SubmitAsync(Background(batch), CancellationToken.None));
        var e2 = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.SubmitAsync(Background(1, prompt: new string('x', 1025)), CancellationToken.None));

        Assert.Equal((ProviderErrorCode.InvalidOption, ProviderErrorCode.InvalidOption), (e1.Code, e2.Code));
        Assert.Contains("1024", e2.Message);
        Assert.Empty(rig.Requests.Entries);
    }

    [Theory]
    [InlineData("abc-123", "abc-123", null)]
    [InlineData("abc-123#n=3", "abc-123", 3)]
    [InlineData("abc#n=9", "abc#n=9", null)]
    public void Task_ids_carry_the_batch_size(string value, string taskId, int? batch)
    {
        var id = GptGeTaskId.Parse(value);
        Assert.Equal((taskId, batch), (id.TaskId, id.BatchSize));
        if (batch is not null) Assert.Equal(value, id.ToString());
    }
}
