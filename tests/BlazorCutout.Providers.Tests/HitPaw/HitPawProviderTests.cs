using BlazorCutout.Emulators.HitPaw;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Engine;
using BlazorCutout.Providers.HitPaw;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace BlazorCutout.Providers.Tests.HitPaw;

/// <summary>The HitPaw client against the HitPaw emulator on loopback (seed 003).</summary>
public sealed class HitPawProviderTests
{
    private static readonly PixelMaker FastPixels = new(new SimpleCutoutEngine());

    private static async Task<UrlProviderRig> StartAsync(long? coins = null, double? rps = 0, PixelMaker? pixels = null, JobWalk? walk = null) =>
        await UrlProviderRig.StartAsync(new HitPawEmulator(new HitPawEmulatorSettings
        {
            ApiKey = UrlProviderRig.Key,
            Coins = coins,
            RequestsPerSecond = rps,
            Walk = walk ?? JobWalk.Of("CONVERTING:10", "CONVERTING:60"),
            ConsumeCoins = 20,
        }, pixels ?? FastPixels));

    private static HitPawProvider Provider(UrlProviderRig rig, Action<HitPawOptions>? configure = null)
    {
        var o = rig.Aim(new HitPawOptions());
        configure?.Invoke(o);
        return new HitPawProvider(Options.Create(o), rig.Http, rig.Downloader, rig.Logs.CreateLogger<HitPawProvider>());
    }

    private static ProviderJob Job(UrlProviderRig rig, string name = "photo.png") =>
        new("task-1", ProviderOperation.RemoveBackground, new JobOptions { Output = OutputKind.ImageAndMask },
            JobImage.FromBytes(UrlProviderRig.SourcePng, name, "image/png", rig.SourceUrl(name)));

    [Fact]
    public async Task Happy_path_with_the_real_engine_records_the_coins_and_fetches_a_cutout_and_a_mask()
    {
        await using var rig = await StartAsync(coins: 100, pixels: PixelEngines.Shared);
        using var provider = Provider(rig);

        var accepted = Assert.IsType<ProviderSubmission.Accepted>(await provider.SubmitAsync(Job(rig), CancellationToken.None));
        Assert.Equal(new ProviderCost(20, "coins"), accepted.ReportedCost);

        var (final, polls, sawProgress) = await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId);
        Assert.True(sawProgress, "CONVERTING should have been seen as progress");
        Assert.True(final is ProviderPoll.Done, string.Join("\n", rig.Requests.Entries));
        Assert.True(polls >= 3);
        var done = Assert.IsType<ProviderPoll.Done>(final);
        Assert.Equal([ResultRole.Image, ResultRole.Mask], done.Results.Select(r => r.Role));
        foreach (var result in done.Results)
        {
            var remote = Assert.IsType<ResultReference.Remote>(result);
            Assert.True(remote.ExpiresAt > DateTimeOffset.UtcNow.AddDays(7), "HitPaw results live 8 days");
            var content = await provider.FetchAsync(result, CancellationToken.None);
            Assert.Equal("image/png", content.ContentType);
            var png = PngDecode.Decode(content.Bytes);
            Assert.Equal((160, 120), (png.Width, png.Height));
            Assert.Equal(result.Role == ResultRole.Image ? 4 : 1, png.Channels);
        }

        // What HitPaw saw: one JSON submission naming the public URL, with the key in the Apikey header.
        var submit = Assert.Single(rig.Requests.For("POST", HitPawEmulator.SubmitPath));
        Assert.Contains(rig.SourceUrl().AbsoluteUri, submit.Body!.Replace("\\u0026", "&"));
        Assert.StartsWith("application/json", submit.Header("Content-Type"));
        Assert.StartsWith("(redacted", submit.Header("Apikey"));
        Assert.Equal(80, rig.Emulator.Emulator.Coins.Remaining);
        Assert.DoesNotContain(UrlProviderRig.Key, rig.Logs.All);
        Assert.Contains("accepted task task-1", rig.Logs.All);
    }

    [Fact]
    public async Task Without_a_public_base_url_HitPaw_is_unavailable_and_an_upload_without_url_is_refused_before_sending()
    {
        await using var rig = await StartAsync();
        using var provider = Provider(rig, o => o.PublicBaseUrl = null);

        var availability = provider.GetAvailability();
        Assert.False(availability.IsAvailable);
        Assert.Contains("needs a public base URL", availability.Reason);

        var job = Job(rig) with { Source = JobImage.FromBytes(UrlProviderRig.SourcePng, "a.png", "image/png") };
        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(job, CancellationToken.None));
        Assert.Equal(ProviderErrorCode.InputNotAccepted, e.Code);
        Assert.Contains("only fetches images from a URL", e.Message);
        Assert.Empty(rig.Requests.Entries);

        using var noKey = Provider(rig, o => o.ApiKey = null);
        Assert.Equal("No API key is configured for HitPaw.", noKey.GetAvailability().Reason);
        Assert.True(Provider(rig).GetAvailability().IsAvailable);
        Assert.Equal(["jpeg", "jpg", "png", "webp"], provider.Descriptor.Limits.AcceptedFormats.Order());
    }

    public static TheoryData<long, ProviderErrorCode, bool, string> DocumentedErrors => new()
    {
        { HitPawErrors.NoAccess, ProviderErrorCode.AuthenticationFailed, false, "no access" },
        { HitPawErrors.InvalidUrl, ProviderErrorCode.InvalidInput, false, "could not use the image's URL" },
        { HitPawErrors.BadRequest, ProviderErrorCode.InvalidInput, false, "malformed" },
        { HitPawErrors.TokenExpired, ProviderErrorCode.AuthenticationFailed, false, "expired" },
        { HitPawErrors.InternalError, ProviderErrorCode.ServerError, true, "internal error" },
        { HitPawErrors.ApiKeyNotValid, ProviderErrorCode.AuthenticationFailed, false, "not valid" },
        { HitPawErrors.CoinsNotEnough, ProviderErrorCode.CoinsExhausted, false, "coins exhausted; an admin must top up" },
    };

    [Theory]
    [MemberData(nameof(DocumentedErrors))]
    public async Task Every_documented_error_code_on_submission_becomes_a_clear_failure(long code, ProviderErrorCode expected, bool transient, string fragment)
    {
        await using var rig = await StartAsync();
        using var provider = Provider(rig);

        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(Job(rig, $"p-emulate[code={code}].png"), CancellationToken.None));
        Assert.Equal(expected, e.Code);
        Assert.Equal(transient, e.IsTransient);
        Assert.Contains(fragment, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"code={code}", e.ProviderDetail);
        Assert.DoesNotContain(UrlProviderRig.Key, e.ToString());
        // A charging POST is never repeated on a 4xx/5xx answer: exactly one submission reached HitPaw.
        Assert.Single(rig.Requests.For("POST", HitPawEmulator.SubmitPath));
        // Account-level answers mark the provider; others leave it available.
        Assert.Equal(expected is ProviderErrorCode.AuthenticationFailed or ProviderErrorCode.CoinsExhausted, !provider.GetAvailability().IsAvailable);
    }

    [Fact]
    public async Task Error_codes_on_the_status_request_are_mapped_too_and_an_internal_error_there_is_retried()
    {
        await using var rig = await StartAsync(walk: JobWalk.Immediate);
        using var provider = Provider(rig);
        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(Job(rig), CancellationToken.None);

        // The status POST is marked retry-safe: a 500 is retried and the poll succeeds.
        rig.Emulator.Emulator.Triggers.Enqueue($"code={HitPawErrors.InternalError}", "poll");
        var (final, _, _) = await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId);
        Assert.IsType<ProviderPoll.Done>(final);
        Assert.Contains(rig.Requests.For("POST", HitPawEmulator.StatusPath), r => r.Status == 500);

        rig.Emulator.Emulator.Triggers.Enqueue($"code={HitPawErrors.TokenExpired}", "poll");
        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.PollAsync(accepted.ProviderTaskId, CancellationToken.None));
        Assert.Equal(ProviderErrorCode.AuthenticationFailed, e.Code);
        Assert.Contains("expired", e.Message);

        var unknown = await Assert.ThrowsAsync<ProviderException>(() => provider.PollAsync("no-such-job", CancellationToken.None));
        Assert.Equal(ProviderErrorCode.InvalidInput, unknown.Code);
    }

    [Fact]
    public async Task An_ERROR_job_is_a_permanent_failure_with_a_clear_message()
    {
        await using var rig = await StartAsync();
        using var provider = Provider(rig);
        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(Job(rig, "p-emulate[status=ERROR].png"), CancellationToken.None);

        var (final, _, sawProgress) = await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId);
        Assert.True(sawProgress);
        var failed = Assert.IsType<ProviderPoll.Failed>(final);
        Assert.Equal(ProviderErrorCode.ProviderFailed, failed.Code);
        Assert.False(failed.Retryable);
        Assert.Contains("could not process this image", failed.UserMessage);
        Assert.Equal("status=ERROR", failed.ProviderDetail);
    }

    [Fact]
    public async Task Coins_exhausted_stops_further_submissions_until_an_admin_clears_it()
    {
        await using var rig = await StartAsync(coins: 30); // one job at 20 coins
        using var provider = Provider(rig);
        Assert.IsType<ProviderSubmission.Accepted>(await provider.SubmitAsync(Job(rig), CancellationToken.None));

        var first = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(Job(rig), CancellationToken.None));
        Assert.Equal(ProviderErrorCode.CoinsExhausted, first.Code);
        Assert.False(first.IsTransient);
        Assert.Contains("coins exhausted; an admin must top up", first.Message);
        Assert.Contains("run out of coins", provider.GetAvailability().Reason);

        // Stopped here: nothing more reaches HitPaw.
        var second = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(Job(rig), CancellationToken.None));
        Assert.Equal(ProviderErrorCode.CoinsExhausted, second.Code);
        Assert.Contains("administrator must top it up", second.Message);
        Assert.Equal(2, rig.Requests.For("POST", HitPawEmulator.SubmitPath).Count);
        Assert.Equal(20, rig.Emulator.Emulator.Coins.Spent);

        rig.Emulator.Emulator.Coins.Set(100); // the admin topped up…
        provider.ClearAccountState();         // …and said so
        Assert.True(provider.GetAvailability().IsAvailable);
        Assert.IsType<ProviderSubmission.Accepted>(await provider.SubmitAsync(Job(rig), CancellationToken.None));
    }

    [Fact]
    public async Task A_429_burst_is_absorbed_by_retries_and_every_task_completes()
    {
        await using var rig = await StartAsync(rps: 4);
        using var provider = Provider(rig, o =>
        {
            o.RequestsPerSecond = 100; // we pace too fast on purpose
            o.PollInterval = o.PollMaxInterval = TimeSpan.FromMilliseconds(150);
        });

        var tasks = Enumerable.Range(0, 5).Select(async i =>
        {
            var accepted = await UrlProviderRig.SubmitLikeWorkerAsync(provider, Job(rig) with { TaskId = $"t{i}" });
            return (await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final;
        }).ToList();
        var finals = await Task.WhenAll(tasks);

        Assert.All(finals, f => Assert.IsType<ProviderPoll.Done>(f));
        Assert.True(rig.Emulator.Emulator.RateGate.Refused > 0, "the burst should have met 429s");
        Assert.Equal(5, rig.Requests.For("POST", HitPawEmulator.SubmitPath).Count(r => r.Status == 200));
        Assert.Equal(100, rig.Emulator.Emulator.Coins.Spent); // 429s charged nothing and doubled nothing
    }

    [Fact]
    public async Task An_expired_result_url_gives_a_clear_failure()
    {
        await using var rig = await StartAsync(walk: JobWalk.Immediate);
        using var provider = Provider(rig);
        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(Job(rig), CancellationToken.None);
        var done = Assert.IsType<ProviderPoll.Done>((await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final);

        rig.Emulator.Emulator.ResultFiles.ExpireAll();
        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.FetchAsync(done.Results[0], CancellationToken.None));
        Assert.Equal(ProviderErrorCode.NotFound, e.Code);
        Assert.False(e.IsTransient);
        Assert.Contains("no longer available", e.Message);
        Assert.Contains("Submit the image again", e.Message);

        // Past its known lifetime, the link is not even tried.
        var before = rig.Requests.Entries.Count;
        var stale = new ResultReference.Remote(ResultRole.Image, 0, ((ResultReference.Remote)done.Results[0]).Url, DateTimeOffset.UtcNow.AddSeconds(-1));
        var e2 = await Assert.ThrowsAsync<ProviderException>(() => provider.FetchAsync(stale, CancellationToken.None));
        Assert.Equal(ProviderErrorCode.NotFound, e2.Code);
        Assert.Equal(before, rig.Requests.Entries.Count);
    }

    [Fact]
    public async Task A_fresh_client_resumes_from_the_stored_job_id_with_one_submission_and_one_charge()
    {
        await using var rig = await StartAsync(coins: 100);
        string jobId;
        using (var first = Provider(rig))
            jobId = ((ProviderSubmission.Accepted)await first.SubmitAsync(Job(rig), CancellationToken.None)).ProviderTaskId;

        // "Restart": a new options object, a new provider; only the persisted id survives.
        using var second = Provider(rig);
        var done = Assert.IsType<ProviderPoll.Done>((await UrlProviderRig.PollToEndAsync(second, jobId)).Final);
        PngDecode.Decode((await second.FetchAsync(done.Results[0], CancellationToken.None)).Bytes);

        Assert.Single(rig.Requests.For("POST", HitPawEmulator.SubmitPath));
        Assert.Equal(20, rig.Emulator.Emulator.Coins.Spent);
        Assert.Equal(80, rig.Emulator.Emulator.Coins.Remaining);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_marks_the_provider_and_never_reaches_the_logs()
    {
        await using var rig = await StartAsync();
        const string wrong = "sk-wrong-key-abcdefghijklmnop-9876";
        using var provider = Provider(rig, o => o.ApiKey = new Secret(wrong));

        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(Job(rig), CancellationToken.None));
        Assert.Equal(ProviderErrorCode.AuthenticationFailed, e.Code);
        Assert.Contains("not valid", e.Message);
        Assert.Contains("API key was refused", provider.GetAvailability().Reason);
        Assert.Contains("auth failed", string.Join(" ", rig.Requests.Entries.SelectMany(r => r.Notes)));
        Assert.DoesNotContain(wrong, rig.Logs.All);
        Assert.DoesNotContain(wrong, e.ToString());
        Assert.DoesNotContain(UrlProviderRig.Key, rig.Logs.All);
    }

    [Fact]
    public void The_error_table_covers_every_code_of_seed_003()
    {
        Assert.Equal(HitPawEmulator.Errors.Keys.Order(), HitPawErrors.Table.Keys.Order());
        foreach (var (code, entry) in HitPawErrors.Table)
        {
            Assert.Equal(HitPawEmulator.Errors[code].Http, entry.HttpStatus);
            Assert.Equal(HitPawEmulator.Errors[code].Message, entry.DocumentedMessage);
            Assert.Equal(code == HitPawErrors.InternalError, HitPawErrors.FromCode(code)!.IsTransient);
        }
        Assert.Null(HitPawErrors.FromCode(123));
    }
}
