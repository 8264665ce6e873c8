using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Emulators.Tengr;
using BlazorCutout.Engine;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;
using BlazorCutout.Providers.Tengr;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace BlazorCutout.Providers.Tests.Tengr;

/// <summary>The Tengr client against the Tengr emulator on loopback (seed 001).</summary>
public sealed class TengrProviderTests
{
    private static readonly PixelMaker FastPixels = new(new SimpleCutoutEngine());

    private static Task<UrlProviderRig> StartAsync(double? rps = 0, PixelMaker? pixels = null, JobWalk? walk = null, params string[] extraEndpoints) =>
        UrlProviderRig.StartAsync(new TengrEmulator(new TengrEmulatorSettings
        {
            ApiKey = UrlProviderRig.Key,
            RequestsPerSecond = rps,
            Walk = walk ?? JobWalk.Of("starting:0", "processing:50"),
            AllowLoopbackWebhooksForTests = true,
        }, pixels ?? FastPixels), extraEndpoints);

    private static TengrProvider Provider(UrlProviderRig rig, Action<TengrOptions>? configure = null)
    {
        var o = rig.Aim(new TengrOptions());
        configure?.Invoke(o);
        return new TengrProvider(Options.Create(o), rig.Http, rig.Downloader, rig.Logs.CreateLogger<TengrProvider>());
    }

    private static ProviderJob Points(UrlProviderRig rig, string name = "photo.png", Uri? callback = null, Func<JobOptions, JobOptions>? with = null) =>
        new("task-p", ProviderOperation.SegmentByPoints,
            (with ?? (x => x))(new JobOptions
            {
                Output = OutputKind.Mask,
                PositivePoints = [new(0.5, 0.5)],
                NegativePoints = [new(0.02, 0.03)],
            }),
            JobImage.FromUrl(rig.SourceUrl(name)), callback);

    private static ProviderJob Text(UrlProviderRig rig, string prompt = "the red disc", string name = "photo.png") =>
        new("task-t", ProviderOperation.SegmentByText, new JobOptions { Output = OutputKind.Mask, TextPrompt = prompt }, JobImage.FromUrl(rig.SourceUrl(name)));

    private static JsonElement Body(LoggedRequest r) => JsonDocument.Parse(r.Body!).RootElement;

    [Fact]
    public async Task Segment_by_points_with_the_real_engine_returns_a_mask_and_sends_the_documented_parameters()
    {
        await using var rig = await StartAsync(pixels: PixelEngines.Shared);
        using var provider = Provider(rig);

        var accepted = Assert.IsType<ProviderSubmission.Accepted>(await provider.SubmitAsync(Points(rig), CancellationToken.None));
        Assert.Null(accepted.ReportedCost);
        var (final, _, sawProgress) = await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId);
        Assert.True(sawProgress);
        var done = Assert.IsType<ProviderPoll.Done>(final);
        var mask = Assert.Single(done.Results);
        Assert.Equal(ResultRole.Mask, mask.Role);
        var content = await provider.FetchAsync(mask, CancellationToken.None);
        var png = PngDecode.Decode(content.Bytes);
        Assert.Equal((160, 120, 1), (png.Width, png.Height, png.Channels));

        var create = Assert.Single(rig.Requests.For("POST", TengrEmulator.CreatePath));
        Assert.Equal(202, create.Status);
        Assert.StartsWith("(redacted", create.Header("Authorization"));
        var body = Body(create);
        Assert.Equal("points", body.GetProperty("method").GetString());
        Assert.Equal(rig.SourceUrl().AbsoluteUri, body.GetProperty("imageUrl").GetString());
        Assert.Equal("[[0.5,0.5]]", body.GetProperty("pointsPositive").GetProperty("points").GetRawText());
        Assert.Equal("[1]", body.GetProperty("pointsPositive").GetProperty("labels").GetRawText());
        Assert.Equal("[0]", body.GetProperty("pointsNegative").GetProperty("labels").GetRawText());
        Assert.Equal("png", body.GetProperty("outputFormat").GetString());
        Assert.Equal(0.1, body.GetProperty("maskBlurSigma").GetDouble());
        Assert.False(body.TryGetProperty("textPrompt", out _));
        Assert.False(body.TryGetProperty("webhook", out _));
        Assert.DoesNotContain(UrlProviderRig.Key, rig.Logs.All);
    }

    [Fact]
    public async Task Segment_by_text_returns_the_subject_mask()
    {
        await using var rig = await StartAsync(walk: JobWalk.Immediate);
        using var provider = Provider(rig);
        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(Text(rig), CancellationToken.None);
        var done = Assert.IsType<ProviderPoll.Done>((await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final);
        PngDecode.Decode((await provider.FetchAsync(done.Results[0], CancellationToken.None)).Bytes);

        var body = Body(Assert.Single(rig.Requests.For("POST", TengrEmulator.CreatePath)));
        Assert.Equal("text", body.GetProperty("method").GetString());
        Assert.Equal("the red disc", body.GetProperty("textPrompt").GetString());
        Assert.Equal(0.2, body.GetProperty("textConfidence").GetDouble());
        Assert.Equal(-1, body.GetProperty("textMaxDetections").GetInt32());
        Assert.False(body.TryGetProperty("pointsPositive", out _));
    }

    public static TheoryData<string> InvalidCases => new()
    {
        "maskExpand above 16384", "maskExpand below -16384", "maskBlurSigma below 0.1", "maskBlurSigma above 100",
        "maskKernelSize above 100", "maskKernelSize negative", "textConfidence above 1", "textConfidence negative",
        "textMaxDetections below -1", "textMaxDetections above 100", "pointsRefinementSteps above 10", "pointsRefinementSteps negative",
        "point x above 1", "point y negative", "negative point outside", "point NaN", "text prompt missing", "no positive point",
        "jpg output", "operation not offered", "no url",
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public async Task Invalid_parameters_are_refused_by_our_client_before_anything_is_sent(string caseName)
    {
        await using var rig = await StartAsync();
        Action<TengrOptions>? configure = caseName switch
        {
            "textConfidence above 1" => o => o.TextConfidence = 1.01,
            "textConfidence negative" => o => o.TextConfidence = -0.1,
            "textMaxDetections below -1" => o => o.TextMaxDetections = -2,
            "textMaxDetections above 100" => o => o.TextMaxDetections = 101,
            "pointsRefinementSteps above 10" => o => o.PointsRefinementSteps = 11,
            "pointsRefinementSteps negative" => o => o.PointsRefinementSteps = -1,
            _ => null,
        };
        using var provider = Provider(rig, configure);
        var job = caseName switch
        {
            "maskExpand above 16384" => Points(rig, with: o => o with { Mask = new MaskOptions { Expand = 16385 } }),
            "maskExpand below -16384" => Points(rig, with: o => o with { Mask = new MaskOptions { Expand = -16385 } }),
            "maskBlurSigma below 0.1" => Points(rig, with: o => o with { Mask = new MaskOptions { BlurSigma = 0.09 } }),
            "maskBlurSigma above 100" => Points(rig, with: o => o with { Mask = new MaskOptions { BlurSigma = 100.5 } }),
            "maskKernelSize above 100" => Points(rig, with: o => o with { Mask = new MaskOptions { KernelSize = 101 } }),
            "maskKernelSize negative" => Points(rig, with: o => o with { Mask = new MaskOptions { KernelSize = -1 } }),
            "textConfidence above 1" or "textConfidence negative" or "textMaxDetections below -1" or "textMaxDetections above 100" => Text(rig),
            "point x above 1" => Points(rig, with: o => o with { PositivePoints = [new(1.2, 0.5)] }),
            "point y negative" => Points(rig, with: o => o with { PositivePoints = [new(0.5, -0.1)] }),
            "negative point outside" => Points(rig, with: o => o with { NegativePoints = [new(0.5, 1.5)] }),
            "point NaN" => Points(rig, with: o => o with { PositivePoints = [new(double.NaN, 0.5)] }),
            "text prompt missing" => Text(rig, prompt: "  "),
            "no positive point" => Points(rig, with: o => o with { PositivePoints = [] }),
            "jpg output" => Points(rig, with: o => o with { Format = OutputFormat.Jpg }),
            "operation not offered" => Points(rig) with { Operation = ProviderOperation.RemoveBackground },
            "no url" => Points(rig) with { Source = JobImage.FromBytes(UrlProviderRig.SourcePng, "a.png", "image/png") },
            _ => Points(rig),
        };

        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(job, CancellationToken.None));
        Assert.False(e.IsTransient);
        Assert.Contains(e.Code, new[] { ProviderErrorCode.InvalidOption, ProviderErrorCode.UnsupportedOperation, ProviderErrorCode.InputNotAccepted });
        Assert.Equal("validated-locally", e.ProviderDetail);
        Assert.Empty(rig.Requests.Entries); // nothing reached Tengr
        Assert.True(provider.GetAvailability().IsAvailable);
    }

    [Fact]
    public void Refusals_name_the_parameter_and_its_documented_range()
    {
        var request = new TengrWire.SegmentationRequest
        {
            ImageUrl = "https://app.example/s/a.png", Method = "points", MaskExpand = 20000,
            PointsPositive = new([[0.5, 0.5]], [1]),
        };
        var e = Assert.Throws<ProviderException>(() => TengrParameters.Validate(request));
        Assert.Equal("maskExpand (mask expansion) must be between -16384 and 16384; 20000 was given.", e.Message);

        e = Assert.Throws<ProviderException>(() => TengrParameters.Validate(request with { MaskExpand = 0, PointsPositive = new([[0.5]], [1]) }));
        Assert.Contains("[x, y] pair", e.Message);
        e = Assert.Throws<ProviderException>(() => TengrParameters.Validate(request with { MaskExpand = 0, PointsPositive = new([[0.5, 0.5]], [1, 1]) }));
        Assert.Contains("one label per point", e.Message);
        e = Assert.Throws<ProviderException>(() => TengrParameters.Validate(request with { MaskExpand = 0, OutputFormat = "gif" }));
        Assert.Contains("auto, png or webp", e.Message);
        TengrParameters.Validate(request with { MaskExpand = -16384, MaskBlurSigma = 100, MaskKernelSize = 100, PointsRefinementSteps = 10 });
    }

    [Fact]
    public async Task The_emulator_itself_answers_out_of_range_parameters_with_the_documented_400_body()
    {
        await using var rig = await StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, rig.Emulator.Url(TengrEmulator.CreatePath))
        {
            Content = new StringContent("""{"imageUrl":"https://x.example/a.png","method":"text","textPrompt":"cat","textConfidence":1.5}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", UrlProviderRig.Key);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("textConfidence must not be greater than 1", body.GetProperty("message").GetString());
        Assert.Equal(400, body.GetProperty("statusCode").GetInt32());
        Assert.Equal("Bad Request", body.GetProperty("error").GetString());
    }

    public static TheoryData<int, ProviderErrorCode, bool, string> DocumentedErrors => new()
    {
        { 400, ProviderErrorCode.InvalidOption, false, "refused the segmentation parameters: Bad Request: emulated" },
        { 401, ProviderErrorCode.AuthenticationFailed, false, "refused the API key (401 Unauthorized)" },
        { 403, ProviderErrorCode.AuthenticationFailed, false, "forbade the request (403 Forbidden)" },
        { 429, ProviderErrorCode.RateLimited, true, "limiting how fast" },
        { 500, ProviderErrorCode.ServerError, true, "internal error (HTTP 500)" },
    };

    [Theory]
    [MemberData(nameof(DocumentedErrors))]
    public async Task Every_documented_error_status_becomes_a_clear_failure(int status, ProviderErrorCode expected, bool transient, string fragment)
    {
        await using var rig = await StartAsync();
        // 429 is retried by the resilience layer; keep answering it so the mapping shows (1 retry only).
        rig.Emulator.Emulator.Triggers.Enqueue($"http={status}", "create", count: 5);
        using var provider = Provider(rig, o => o.Resilience = TestOptions.FastResilience(retries: 1));

        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(Points(rig), CancellationToken.None));
        Assert.Equal(expected, e.Code);
        Assert.Equal(transient, e.IsTransient);
        Assert.Contains(fragment, e.Message);
        Assert.StartsWith($"http={status}", e.ProviderDetail);
        if (status == 429) Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter);
        // A create POST is repeated only on 429 (not accepted), never on 4xx/5xx.
        Assert.Equal(status == 429 ? 2 : 1, rig.Requests.For("POST", TengrEmulator.CreatePath).Count);
        Assert.Equal(status is 401 or 403, !provider.GetAvailability().IsAvailable);
    }

    [Fact]
    public async Task Poll_errors_unknown_artworks_and_retries_of_the_GET()
    {
        await using var rig = await StartAsync(walk: JobWalk.Immediate);
        using var provider = Provider(rig);
        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(Points(rig), CancellationToken.None);

        rig.Emulator.Emulator.Triggers.Enqueue("http=500", "poll"); // a GET is retried: the poll still succeeds
        Assert.IsType<ProviderPoll.Done>(await provider.PollAsync(accepted.ProviderTaskId, CancellationToken.None));
        Assert.Contains(rig.Requests.For("GET", TengrEmulator.ArtworkPathPrefix), r => r.Status == 500);

        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.PollAsync("3fa85f64-0000-0000-0000-000000000000", CancellationToken.None));
        Assert.Equal(ProviderErrorCode.NotFound, e.Code);
        Assert.Contains("no longer knows this artwork", e.Message);
    }

    [Theory]
    [InlineData("failed", false, "could not segment this image")]
    [InlineData("canceled", true, "canceled the segmentation")]
    public async Task Failed_and_canceled_artworks_are_clear_failures(string status, bool retryable, string fragment)
    {
        await using var rig = await StartAsync();
        using var provider = Provider(rig);
        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(Text(rig, $"cat emulate[status={status}]"), CancellationToken.None);

        var (final, _, sawProgress) = await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId);
        Assert.True(sawProgress); // starting and processing were walked first
        var failed = Assert.IsType<ProviderPoll.Failed>(final);
        Assert.Equal(ProviderErrorCode.ProviderFailed, failed.Code);
        Assert.Equal(retryable, failed.Retryable);
        Assert.Contains(fragment, failed.UserMessage);
        Assert.StartsWith($"status={status}", failed.ProviderDetail);
    }

    [Fact]
    public void Every_documented_status_is_mapped()
    {
        var o = new TengrOptions { ApiKey = new Secret(UrlProviderRig.Key) };
        using var provider = new TengrProvider(Options.Create(o), null!, null!);
        ProviderPoll Map(string status, params string[] results) => provider.MapArtwork(new TengrWire.Artwork { Id = "a", Status = status, Results = [.. results] });

        Assert.IsType<ProviderPoll.Progress>(Map("starting"));
        Assert.IsType<ProviderPoll.Progress>(Map("processing"));
        Assert.IsType<ProviderPoll.Done>(Map("succeeded", "https://cdn.example/a.png", "https://cdn.example/b.png"));
        Assert.Equal(2, ((ProviderPoll.Done)Map("succeeded", "https://cdn.example/a.png", "https://cdn.example/b.png")).Results.Count);
        Assert.Equal(ProviderErrorCode.ServerError, Assert.IsType<ProviderPoll.Failed>(Map("succeeded")).Code);
        Assert.False(Assert.IsType<ProviderPoll.Failed>(Map("failed")).Retryable);
        Assert.True(Assert.IsType<ProviderPoll.Failed>(Map("canceled")).Retryable);
        Assert.IsType<ProviderPoll.Progress>(Map("queued-somewhere")); // TengrDecisions.UnknownStatusMeansInProgress
    }

    [Fact]
    public async Task A_webhook_that_is_not_https_on_a_public_host_is_never_sent_even_when_the_url_guard_allows_it()
    {
        // 001: webhook "must be HTTPS and a publicly routable host". The rig's guard allows this http loopback listener
        // (a test allowance), but Tengr would refuse the job for it, so the rule is applied as written.
        await using var listener = await LoopbackServer.StartAsync(app => app.MapPost("/hooks/tengr", () => Results.Ok()));
        await using var rig = await StartAsync(walk: JobWalk.Immediate, extraEndpoints: listener.Endpoint);
        using var provider = Provider(rig, o => o.UseCallbacks = true);

        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(Points(rig, callback: listener.Url("hooks/tengr")), CancellationToken.None);

        Assert.False(Body(Assert.Single(rig.Requests.For("POST", TengrEmulator.CreatePath))).TryGetProperty("webhook", out _));
        Assert.Contains("webhook left out", rig.Logs.All);
        Assert.Contains("not https on a public host", rig.Logs.All);
        Assert.IsType<ProviderPoll.Done>((await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final);
    }

    [Fact]
    public async Task An_https_webhook_on_a_public_host_is_sent()
    {
        await using var rig = await StartAsync(walk: JobWalk.Immediate);
        using var provider = Provider(rig, o => o.UseCallbacks = true);
        var webhook = new Uri("https://1.1.1.1/callbacks/task/token"); // a public address literal: no DNS needed

        await provider.SubmitAsync(Points(rig, callback: webhook), CancellationToken.None);

        Assert.Equal(webhook.AbsoluteUri, Body(Assert.Single(rig.Requests.For("POST", TengrEmulator.CreatePath))).GetProperty("webhook").GetString());
    }

    [Fact]
    public async Task The_public_https_rule_ignores_every_test_allowance_of_the_guard()
    {
        var guard = new UrlGuard(new UrlGuardOptions { AllowHttp = true, AllowNonDefaultPorts = true, AllowLoopbackForTests = true },
            (host, _) => Task.FromResult(host == "hooks.example.com" ? new[] { IPAddress.Parse("93.184.215.14") } : [IPAddress.Loopback]));

        Assert.True(await guard.IsPublicHttpsAsync(new Uri("https://hooks.example.com/callbacks/x")));
        Assert.True(await guard.IsPublicHttpsAsync(new Uri("https://hooks.example.com:8443/callbacks/x")));
        Assert.False(await guard.IsPublicHttpsAsync(new Uri("http://hooks.example.com/callbacks/x")));
        Assert.False(await guard.IsPublicHttpsAsync(new Uri("https://localhost/callbacks/x")));
        Assert.False(await guard.IsPublicHttpsAsync(new Uri("https://127.0.0.1/callbacks/x")));
        Assert.False(await guard.IsPublicHttpsAsync(new Uri("https://10.0.0.5/callbacks/x")));
        Assert.False(await guard.IsPublicHttpsAsync(new Uri("https://user:pw@hooks.example.com/callbacks/x")));
    }

    [Fact]
    public async Task The_webhook_is_left_out_when_the_url_guard_refuses_the_callback_url_and_polling_still_finishes()
    {
        await using var rig = await StartAsync(walk: JobWalk.Immediate);
        using var provider = Provider(rig, o => o.UseCallbacks = true);
        // A loopback callback on an endpoint the guard does not allow (as production would refuse it).
        var job = Points(rig, callback: new Uri("http://127.0.0.1:9/hooks/tengr"));

        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(job, CancellationToken.None);
        Assert.False(Body(Assert.Single(rig.Requests.For("POST", TengrEmulator.CreatePath))).TryGetProperty("webhook", out _));
        Assert.Contains("webhook left out", rig.Logs.All);
        Assert.IsType<ProviderPoll.Done>((await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final);
    }

    [Fact]
    public async Task A_429_burst_is_absorbed_without_failing_tasks()
    {
        await using var rig = await StartAsync(rps: 4);
        using var provider = Provider(rig, o =>
        {
            o.RequestsPerSecond = 100; // we pace too fast on purpose
            o.PollInterval = o.PollMaxInterval = TimeSpan.FromMilliseconds(150);
        });
        var finals = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
        {
            var accepted = await UrlProviderRig.SubmitLikeWorkerAsync(provider, Points(rig) with { TaskId = $"t{i}" });
            return (await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final;
        }));
        Assert.All(finals, f => Assert.IsType<ProviderPoll.Done>(f));
        Assert.True(rig.Emulator.Emulator.RateGate.Refused > 0);
        Assert.Equal(5, rig.Requests.For("POST", TengrEmulator.CreatePath).Count(r => r.Status == 202));
    }

    [Fact]
    public async Task An_expired_result_url_gives_a_clear_failure()
    {
        await using var rig = await StartAsync(walk: JobWalk.Immediate);
        using var provider = Provider(rig);
        var accepted = (ProviderSubmission.Accepted)await provider.SubmitAsync(Points(rig), CancellationToken.None);
        var done = Assert.IsType<ProviderPoll.Done>((await UrlProviderRig.PollToEndAsync(provider, accepted.ProviderTaskId)).Final);
        rig.Emulator.Emulator.ResultFiles.ExpireAll();

        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.FetchAsync(done.Results[0], CancellationToken.None));
        Assert.Equal(ProviderErrorCode.NotFound, e.Code);
        Assert.Contains("no longer available", e.Message);
    }

    [Fact]
    public async Task A_fresh_client_resumes_from_the_stored_artwork_id_with_exactly_one_submission()
    {
        await using var rig = await StartAsync();
        string id;
        using (var first = Provider(rig))
            id = ((ProviderSubmission.Accepted)await first.SubmitAsync(Text(rig), CancellationToken.None)).ProviderTaskId;

        using var second = Provider(rig);
        var done = Assert.IsType<ProviderPoll.Done>((await UrlProviderRig.PollToEndAsync(second, id)).Final);
        PngDecode.Decode((await second.FetchAsync(done.Results[0], CancellationToken.None)).Bytes);
        Assert.Single(rig.Requests.For("POST", TengrEmulator.CreatePath));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_marks_the_provider_and_never_reaches_the_logs()
    {
        await using var rig = await StartAsync();
        const string wrong = "tk-wrong-bearer-token-0123456789ab";
        using var provider = Provider(rig, o => o.ApiKey = new Secret(wrong));

        var e = await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(Points(rig), CancellationToken.None));
        Assert.Equal(ProviderErrorCode.AuthenticationFailed, e.Code);
        Assert.Contains("API key was refused", provider.GetAvailability().Reason);
        // Further submissions stop here until an admin clears the state.
        await Assert.ThrowsAsync<ProviderException>(() => provider.SubmitAsync(Points(rig), CancellationToken.None));
        Assert.Single(rig.Requests.For("POST", TengrEmulator.CreatePath));
        Assert.DoesNotContain(wrong, rig.Logs.All);
        Assert.DoesNotContain(wrong, e.ToString());
    }

    [Fact]
    public void Descriptor_declares_what_Tengr_does()
    {
        var d = TengrProvider.BuildDescriptor(new TengrOptions());
        Assert.Equal("tengr", d.Id);
        Assert.True(d.NeedsPublicUrlForUploads);
        Assert.Equal([ProviderOperation.SegmentByPoints, ProviderOperation.SegmentByText], d.Operations.Order());
        Assert.Equal([OutputKind.Mask], d.Options.Outputs);
        Assert.True(d.Options.Callback);
        ProviderJobValidator.Validate(d, new ProviderJob("t", ProviderOperation.SegmentByText,
            new JobOptions { Output = OutputKind.Mask, TextPrompt = "cat" }, JobImage.FromUrl(new Uri("https://app.example/s/a"))));
    }
}
