using BlazorCutout.Emulators.Kit;
using BlazorCutout.Emulators.PicWish;
using BlazorCutout.Engine;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace BlazorCutout.Providers.Tests.PicWish;

public sealed class PicWishProviderTests
{
    private static PicWishEmulator Emulator(double rps = 0) => new(PicWishRig.Settings(rps), PixelEngines.Shared);

    [Fact]
    public async Task Async_upload_walks_the_states_and_yields_a_real_cutout()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish();

        var submission = await provider.SubmitAsync(PicWishRig.Job(), CancellationToken.None);
        var accepted = Assert.IsType<ProviderSubmission.Accepted>(submission);
        var (final, progress) = await PicWishRig.PollToEndAsync(provider, accepted.ProviderTaskId);

        var done = Assert.IsType<ProviderPoll.Done>(final);
        Assert.Null(done.ReportedCost); // PicWish reports none: the price table applies
        Assert.Equal(1m, provider.Descriptor.Prices.Estimate(ProviderOperation.RemoveBackground).Amount);
        Assert.Equal(["Queued", "Preparing", "Processing", "Processing", "Processing"], progress.Select(p => p.Status));
        Assert.Equal([0, 10, 20, 60, 90], progress.Select(p => p.Percent ?? -1));
        var image = Assert.Single(done.Results);
        var remote = Assert.IsType<ResultReference.Remote>(image);
        Assert.Equal(ResultRole.Image, remote.Role);
        Assert.NotNull(remote.ExpiresAt);

        var content = await provider.FetchAsync(image, CancellationToken.None);
        var (format, width, height) = PicWishRig.AssertImage(content);
        Assert.Equal("png", format);
        Assert.Equal((96, 72), (width, height)); // not cropped: the source size

        var create = Assert.Single(rig.Requests.For("POST", PicWishEmulator.CreatePath));
        Assert.StartsWith("(redacted", create.Header("X-API-KEY"));
        Assert.Equal("0", create.Field("sync"));
        Assert.Equal("1", create.Field("return_type"));
        Assert.Equal("2", create.Field("output_type"));
        Assert.Equal("0", create.Field("crop"));
        Assert.Equal("png", create.Field("format"));
        Assert.False(create.HasField("type")); // Auto = blank
        Assert.False(create.HasField("image_url"));
        var file = Assert.Single(create.Files);
        Assert.Equal(("image_file", "photo.png", "image/png", (long)PicWishRig.SourcePng.Length), (file.Field, file.FileName, file.ContentType, file.Length));
        rig.AssertNoKeyLeaked();
    }

    [Fact]
    public async Task Sync_mode_returns_image_and_mask_in_the_create_answer()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish(o => o.UseSync = true);
        Assert.True(provider.Descriptor.IsSynchronous);

        var submission = await provider.SubmitAsync(PicWishRig.Job(new JobOptions { Output = OutputKind.ImageAndMask }), CancellationToken.None);

        var done = Assert.IsType<ProviderSubmission.Completed>(submission).Result;
        Assert.Equal([ResultRole.Image, ResultRole.Mask], done.Results.Select(r => r.Role));
        foreach (var r in done.Results) PicWishRig.AssertImage(await provider.FetchAsync(r, CancellationToken.None));
        var create = Assert.Single(rig.Requests.For("POST", PicWishEmulator.CreatePath));
        Assert.Equal("1", create.Field("sync"));
        Assert.Equal("1", create.Field("output_type"));
        Assert.Empty(rig.Requests.For("GET", PicWishEmulator.CreatePath + "/"));
    }

    [Fact]
    public async Task Sync_requests_wait_at_least_190_s_whatever_attempt_timeout_is_configured()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        // 1 ms cuts off any real request: a sync submission succeeds only because sync mode raises it.
        var configured = TestOptions.FastResilience(retries: 0) with { AttemptTimeout = TimeSpan.FromMilliseconds(1) };
        var provider = rig.PicWish(o => (o.UseSync, o.Resilience) = (true, configured));

        Assert.IsType<ProviderSubmission.Completed>(await provider.SubmitAsync(PicWishRig.Job(), CancellationToken.None));

        var applied = rig.Http.GetPipeline(provider.Descriptor).Options;
        Assert.Equal(TimeSpan.FromSeconds(190), applied.AttemptTimeout);
        Assert.Equal(configured.TotalTimeout + TimeSpan.FromSeconds(190) - configured.AttemptTimeout, applied.TotalTimeout);
    }

    [Fact]
    public async Task Jpg_with_colour_crop_and_type_are_sent_and_honoured()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish();
        var options = new JobOptions { Format = OutputFormat.Jpg, BackgroundColor = "81d4fa", Crop = true, Type = SubjectType.Object };

        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, PicWishRig.Job(options)));
        var content = await provider.FetchAsync(done.Results[0], CancellationToken.None);

        var create = rig.Requests.For("POST", PicWishEmulator.CreatePath).Single();
        Assert.Equal(("jpg", "81d4fa", "1", "object"), (create.Field("format"), create.Field("bg_color"), create.Field("crop"), create.Field("type")));
        var (_, width, height) = PicWishRig.AssertImage(content);
        Assert.True(width <= 96 && height <= 72);
        if (PixelEngines.Shared.IsRealEngine)
        {
            Assert.Equal("image/jpeg", content.ContentType);
            Assert.True(width < 96 || height < 72, "cropped to the subject");
        }
    }

    [Fact]
    public async Task Background_image_is_uploaded_as_bg_image_file()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish();
        var bg = JobImage.FromBytes(Backgrounds.Gradient("sea", 0, 40, 30), "bg.png", "image/png");

        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, PicWishRig.Job(new JobOptions { BackgroundImage = bg })));

        PicWishRig.AssertImage(await provider.FetchAsync(done.Results[0], CancellationToken.None));
        var create = rig.Requests.For("POST", PicWishEmulator.CreatePath).Single();
        Assert.Contains(create.Files, f => f.Field == "bg_image_file" && f.FileName == "bg.png");
        Assert.False(create.HasField("bg_color"));
    }

    [Fact]
    public async Task Source_by_url_is_sent_as_image_url_and_fetched_by_the_service()
    {
        await using var source = await LoopbackServer.StartAsync(app => app.MapGet("/s/{name}", () => Results.Bytes(PicWishRig.SourcePng, "image/png")));
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish();
        var job = new ProviderJob("t1", ProviderOperation.RemoveBackground, new JobOptions(), JobImage.FromUrl(source.Url("s/photo.png?sig=x")));

        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, job));

        PicWishRig.AssertImage(await provider.FetchAsync(done.Results[0], CancellationToken.None));
        var create = rig.Requests.For("POST", PicWishEmulator.CreatePath).Single();
        Assert.Equal(source.Url("s/photo.png?sig=x").AbsoluteUri, create.Field("image_url"));
        Assert.Empty(create.Files);
        Assert.Equal(1, source.Hits("/s/photo.png"));
    }

    [Theory]
    [InlineData(-17, ProviderErrorCode.InvalidOption, false, "prompt")]
    [InlineData(-16, ProviderErrorCode.ContentRejected, false, "prohibited")]
    [InlineData(-15, ProviderErrorCode.Busy, true, "resources")]
    [InlineData(-14, ProviderErrorCode.InvalidInput, false, "requirements")]
    [InlineData(-13, ProviderErrorCode.ProviderFailed, true, "cancelled")]
    [InlineData(-11, ProviderErrorCode.ProviderFailed, false, "empty")]
    [InlineData(-10, ProviderErrorCode.ContentRejected, false, "prohibited")]
    [InlineData(-9, ProviderErrorCode.ServerError, true, "internally")]
    [InlineData(-8, ProviderErrorCode.Timeout, true, "180-second")]
    [InlineData(-7, ProviderErrorCode.InvalidInput, false, "corrupt")]
    [InlineData(-5, ProviderErrorCode.FileTooLarge, false, "30 MB")]
    [InlineData(-3, ProviderErrorCode.InputNotAccepted, true, "download")]
    [InlineData(-2, ProviderErrorCode.ServerError, true, "store the result")]
    [InlineData(-1, ProviderErrorCode.ProviderFailed, true, "failed to process")]
    public async Task Every_failure_state_maps_to_a_clear_message(int state, ProviderErrorCode code, bool retryable, string words)
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish();

        var poll = await PicWishRig.RunAsync(provider, PicWishRig.Job(fileName: $"photo-emulate[state={state}].png"));

        var failed = Assert.IsType<ProviderPoll.Failed>(poll);
        Assert.Equal(code, failed.Code);
        Assert.Equal(retryable, failed.Retryable);
        Assert.Contains(words, failed.UserMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("PicWish", failed.UserMessage);
        Assert.Equal($"state={state}", failed.ProviderDetail);
    }

    [Fact]
    public async Task Unreadable_source_fails_with_state_minus_7_from_the_engine()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish();
        var job = new ProviderJob("t", ProviderOperation.RemoveBackground, new JobOptions(), JobImage.FromBytes("not an image at all"u8.ToArray(), "x.png", "image/png"));

        var failed = Assert.IsType<ProviderPoll.Failed>(await PicWishRig.RunAsync(provider, job));

        Assert.Equal((ProviderErrorCode.InvalidInput, "state=-7"), (failed.Code, failed.ProviderDetail));
    }

    [Theory]
    [InlineData("http=400", ProviderErrorCode.InvalidInput, false)]
    [InlineData("http=401", ProviderErrorCode.AuthenticationFailed, false)]
    [InlineData("http=404", ProviderErrorCode.NotFound, false)]
    [InlineData("http=413", ProviderErrorCode.FileTooLarge, false)]
    [InlineData("http=500", ProviderErrorCode.ServerError, true)]
    [InlineData("body-status=401", ProviderErrorCode.AuthenticationFailed, false)]
    [InlineData("body-status=400", ProviderErrorCode.InvalidInput, false)]
    public async Task Documented_http_statuses_map_to_codes(string trigger, ProviderErrorCode code, bool transient)
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish(o => o.Resilience = TestOptions.FastResilience(retries: 0));

        var e = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.SubmitAsync(PicWishRig.Job(fileName: $"emulate[{trigger}].png"), CancellationToken.None));

        Assert.Equal(code, e.Code);
        Assert.Equal(transient, e.IsTransient);
        Assert.Contains("PicWish", e.Message);
        Assert.StartsWith("status=", e.ProviderDetail);
        if (code == ProviderErrorCode.AuthenticationFailed)
        {
            var availability = provider.GetAvailability();
            Assert.False(availability.IsAvailable);
            Assert.Contains("key was refused", availability.Reason);
        }
    }

    [Fact]
    public async Task A_forced_429_without_retries_left_is_transient_with_retry_after()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish(o => o.Resilience = TestOptions.FastResilience(retries: 0));

        var e = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.SubmitAsync(PicWishRig.Job(fileName: "emulate[http=429].png"), CancellationToken.None));

        Assert.Equal(ProviderErrorCode.RateLimited, e.Code);
        Assert.True(e.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_401_and_never_logged()
    {
        await using var rig = await PicWishRig.StartAsync(new PicWishEmulator(new EmulatorSettings { ApiKey = "another-key-entirely-000000000000", RequestsPerSecond = 0 }, PixelEngines.Shared));
        var provider = rig.PicWish();

        var e = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.SubmitAsync(PicWishRig.Job(), CancellationToken.None));

        Assert.Equal(ProviderErrorCode.AuthenticationFailed, e.Code);
        Assert.Contains("auth failed (X-API-KEY wrong)", rig.Requests.Entries.Single().Notes);
        rig.AssertNoKeyLeaked();
    }

    [Fact]
    public async Task Polling_an_unknown_task_is_not_found_and_a_poll_time_500_is_transient()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish(o => o.Resilience = TestOptions.FastResilience(retries: 0));

        var missing = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.PollAsync("no-such-task", CancellationToken.None));
        Assert.Equal(ProviderErrorCode.NotFound, missing.Code);
        Assert.Contains("1 hour", missing.Message);

        rig.Host.Emulator.Triggers.Enqueue("http=500", scope: "poll");
        var serverError = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.PollAsync("whatever", CancellationToken.None));
        Assert.Equal(ProviderErrorCode.ServerError, serverError.Code);
        Assert.True(serverError.IsTransient);
    }

    [Fact]
    public async Task A_burst_of_six_against_two_per_second_is_retried_not_failed()
    {
        // The client is (mis)configured faster than the service allows, so the emulator must answer 429s.
        // Jobs finish on their first poll: 6 creates + 6 polls through a 2/s gate keep the test to a few seconds.
        var settings = PicWishRig.Settings(requestsPerSecond: 2);
        settings.Walk = JobWalk.Immediate;
        var emulator = new PicWishEmulator(settings, PixelEngines.Shared);
        await using var rig = await PicWishRig.StartAsync(emulator);
        var provider = rig.PicWish(o =>
        {
            o.RequestsPerSecond = 20;
            o.Concurrency = 8;
            o.Resilience = TestOptions.FastResilience(retries: 12);
        });

        var submissions = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => provider.SubmitAsync(PicWishRig.Job(), CancellationToken.None)));
        var finals = await Task.WhenAll(submissions.Cast<ProviderSubmission.Accepted>().Select(a => PicWishRig.PollToEndAsync(provider, a.ProviderTaskId)));

        Assert.All(finals, f => Assert.IsType<ProviderPoll.Done>(f.Final));
        Assert.True(emulator.RateGate.Refused > 0, "the emulator should have answered 429 at least once");
        Assert.Equal(6, emulator.Jobs.Count); // a refused POST was not accepted, so retrying it created no duplicate job
        Assert.Contains(rig.Requests.Entries, e => e.Status == 429);
    }

    [Theory]
    [InlineData(403)] // OSS's answer to an expired signature
    [InlineData(401)] // a result link carries no key of ours: not "the key was refused"
    [InlineData(404)]
    [InlineData(410)]
    public async Task An_expired_result_url_is_reported_as_expired(int storageStatus)
    {
        var emulator = Emulator();
        await using var rig = await PicWishRig.StartAsync(emulator);
        var provider = rig.PicWish();
        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, PicWishRig.Job()));

        if (storageStatus != 403) emulator.ResultFiles.ExpiredResponder = ctx => { ctx.Response.StatusCode = storageStatus; return Task.CompletedTask; };
        emulator.ResultFiles.ExpireAll();
        var e = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.FetchAsync(done.Results[0], CancellationToken.None));

        Assert.Equal(ProviderErrorCode.NotFound, e.Code);
        Assert.False(e.IsTransient);
        // Expired seconds after the task finished: the message must not claim the link lasts 1 hour.
        Assert.Equal("The result expired at PicWish before BlazorCutout could fetch it: its link no longer works. Run the task again.", e.Message);
        Assert.DoesNotContain("hour", e.Message);
        Assert.Equal($"result-expired http={storageStatus}", e.ProviderDetail);
        Assert.Contains(rig.Requests.Entries, r => r.Notes.Contains("result expired") && r.Status == storageStatus);
    }

    [Fact]
    public async Task A_result_past_its_lifetime_is_refused_without_a_request()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish(o => o.ResultLifetime = TimeSpan.Zero);
        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, PicWishRig.Job()));
        var before = rig.Requests.Entries.Count;

        var e = await Assert.ThrowsAnyAsync<ProviderException>(() => provider.FetchAsync(done.Results[0], CancellationToken.None));

        Assert.Equal(ProviderErrorCode.NotFound, e.Code);
        Assert.Contains("expired", e.Message);
        Assert.Equal(before, rig.Requests.Entries.Count);
    }

    [Fact]
    public async Task Numeric_timestamps_are_accepted_as_well()
    {
        var emulator = Emulator();
        emulator.NumericTimestamps = true;
        await using var rig = await PicWishRig.StartAsync(emulator);
        var provider = rig.PicWish();

        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, PicWishRig.Job()));

        var remote = Assert.IsType<ResultReference.Remote>(done.Results[0]);
        Assert.InRange(remote.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(65));
    }

    [Fact]
    public async Task A_colour_with_png_is_refused_before_anything_is_sent()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish();

        var e = await Assert.ThrowsAnyAsync<ProviderException>(() =>
            provider.SubmitAsync(PicWishRig.Job(new JobOptions { BackgroundColor = "ffffff" }), CancellationToken.None));

        Assert.Equal(ProviderErrorCode.InvalidOption, e.Code);
        Assert.Contains("JPG", e.Message);
        Assert.Empty(rig.Requests.Entries);
    }

    [Fact]
    public async Task Logs_of_a_whole_run_with_failures_never_contain_the_key()
    {
        await using var rig = await PicWishRig.StartAsync(Emulator());
        var provider = rig.PicWish(o => o.Resilience = TestOptions.FastResilience(retries: 1));

        var done = Assert.IsType<ProviderPoll.Done>(await PicWishRig.RunAsync(provider, PicWishRig.Job()));
        await provider.FetchAsync(done.Results[0], CancellationToken.None);
        await Assert.ThrowsAnyAsync<ProviderException>(() => provider.SubmitAsync(PicWishRig.Job(fileName: "emulate[http=500].png"), CancellationToken.None));
        await Assert.ThrowsAnyAsync<ProviderException>(() => provider.SubmitAsync(PicWishRig.Job(fileName: "emulate[http=401].png"), CancellationToken.None));

        Assert.NotEmpty(rig.Logs.Lines);
        rig.AssertNoKeyLeaked();
    }

    [Fact]
    public void Without_a_key_the_provider_is_listed_but_unavailable_with_the_reason()
    {
        var services = new ServiceCollection().AddLogging();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:PicWish:ApiKey"] = PicWishRig.Key,
            ["Providers:PicWish:RequestsPerSecond"] = "1.5",
            ["Providers:PicWish:Prices:RemoveBackground:PerImage"] = "2",
            ["Providers:PicWish:PriceUnit"] = "credits",
        }).Build();
        services.AddCutoutEngineStub().AddCutoutProviders(config);
        using var sp = services.BuildServiceProvider();
        var registry = sp.GetRequiredService<ProviderRegistry>();

        var picwish = registry.Get(PicWishProvider.ProviderId);
        Assert.True(picwish.GetAvailability().IsAvailable);
        Assert.Equal(1.5, picwish.Descriptor.Rate.RequestsPerSecond);
        Assert.Equal(new ProviderCost(2m, "credits"), picwish.Descriptor.Prices.Estimate(ProviderOperation.RemoveBackground));

        var gptge = registry.Get(BlazorCutout.Providers.GptGe.GptGeProvider.ProviderId);
        var availability = gptge.GetAvailability();
        Assert.False(availability.IsAvailable);
        Assert.Equal("No API key is configured for gpt.ge.", availability.Reason);
    }

    [Fact]
    public void Disabled_in_configuration_says_so()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:PicWish:Enabled"] = "false",
            ["Providers:PicWish:ApiKey"] = PicWishRig.Key,
        }).Build();
        using var sp = new ServiceCollection().AddLogging().AddCutoutEngineStub().AddCutoutProviders(config).BuildServiceProvider();

        var availability = sp.GetRequiredService<ProviderRegistry>().Get("picwish").GetAvailability();

        Assert.False(availability.IsAvailable);
        Assert.Contains("disabled", availability.Reason);
    }

    [Theory]
    [InlineData("https://cdn.example.com/r.png", typeof(ResultReference.Remote))]
    [InlineData("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==", typeof(ResultReference.Inline))]
    [InlineData("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==", typeof(ResultReference.Inline))]
    public void Result_fields_may_be_urls_or_base64(string value, Type expected)
    {
        var r = PicWishWire.ToReference(value, ResultRole.Image, 0, null, "PicWish");
        Assert.IsType(expected, r);
        if (r is ResultReference.Inline inline) Assert.Equal("image/png", inline.ContentType);
    }

    [Theory]
    [InlineData(200, null, 200)]
    [InlineData(200, 401, 401)]
    [InlineData(401, null, 401)]
    [InlineData(500, 200, 500)]
    public void Effective_status_combines_http_and_body(int http, int? body, int expected) =>
        Assert.Equal(expected, PicWishWire.EffectiveStatus(http, body));
}

internal static class EngineStubExtensions
{
    /// <summary>The local provider needs an engine; these tests only look at the remote ones.</summary>
    public static IServiceCollection AddCutoutEngineStub(this IServiceCollection services) =>
        services.AddSingleton<ICutoutEngine, FakeEngine>();
}
