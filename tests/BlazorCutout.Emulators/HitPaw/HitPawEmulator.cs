using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Engine;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;

namespace BlazorCutout.Emulators.HitPaw;

/// <summary>HitPaw-only settings (pass as <see cref="EmulatorSettings"/> to the emulator).</summary>
public sealed class HitPawEmulatorSettings : EmulatorSettings
{
    /// <summary>Coins each accepted job costs (003's example answer: 20).</summary>
    public long ConsumeCoins { get; set; } = 20;
}

/// <summary>
/// HitPaw image segmentation (seed 003) on the kit:
/// <c>POST /api/image-segmentation {file_url}</c> (charges <see cref="HitPawEmulatorSettings.ConsumeCoins"/>, 402/110402000
/// when the balance is short) and <c>POST /api/task-status {job_id}</c> (CONVERTING → COMPLETED | ERROR), JSON bodies
/// <c>{code, message, data}</c>, <c>Apikey</c> header. The job fetches <c>file_url</c> itself and runs the engine: res_url is the
/// transparent cut-out (PNG), mask_url the mask (PNG). See README.md in this folder for triggers and simplifications.
/// </summary>
[Emulator("hitpaw")]
public sealed class HitPawEmulator : ServiceEmulator
{
    public const string SubmitPath = "/api/image-segmentation";
    public const string StatusPath = "/api/task-status";

    /// <summary>003 lists no rate limit; the emulator enforces this many requests/s unless configured.</summary>
    public const double DefaultRequestsPerSecond = 10;
    /// <summary>003: results and job ids are valid for 8 days.</summary>
    public static readonly TimeSpan DefaultResultTtl = TimeSpan.FromDays(8);
    public static readonly JobWalk DefaultWalk = JobWalk.Of("CONVERTING:10", "CONVERTING:60");
    /// <summary>003's formats.</summary>
    public static readonly FrozenSet<string> AcceptedFormats = new[] { "jpg", "jpeg", "png", "webp" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>003's error table: code → (HTTP status, message).</summary>
    public static readonly FrozenDictionary<long, (int Http, string Message)> Errors = new Dictionary<long, (int, string)>
    {
        [100400000] = (400, "No access"),
        [100400001] = (400, "Invalid URL"),
        [100400002] = (400, "Bad Request"),
        [100401000] = (401, "Token is expired"),
        [100500000] = (500, "Internal error"),
        [110400000] = (400, "api_key is not valid"),
        [110402000] = (402, "The coins are not enough"),
    }.ToFrozenDictionary();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly JobStore<Outcome> _jobs;
    private readonly long _consumeCoins;

    /// <summary>What a finished job shows: the result links, or ERROR.</summary>
    public sealed record Outcome(string? ResUrl, string? MaskUrl, string OriginalUrl, string? ErrorReason);

    private sealed record JobTag(string FileUrl, string? Trigger);

    public HitPawEmulator(EmulatorSettings settings, PixelMaker pixels)
        : base(settings, pixels, DefaultRequestsPerSecond, DefaultResultTtl, DefaultWalk)
    {
        _consumeCoins = (settings as HitPawEmulatorSettings)?.ConsumeCoins ?? 20;
        // Job ids live as long as results (8 days), but never shorter than 10 minutes, so a test's short result TTL
        // does not make its jobs vanish mid-poll.
        var retention = ResultFiles.Ttl > TimeSpan.FromMinutes(10) ? ResultFiles.Ttl : TimeSpan.FromMinutes(10);
        _jobs = new JobStore<Outcome>(Walk, Time, retention);
        // A CDN answers an expired signed link with 403 or 404; HitPaw's storage detail is undocumented: 404.
        ResultFiles.ExpiredResponder = ctx =>
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return ctx.Response.WriteAsync("expired");
        };
    }

    public override string Name => "hitpaw";

    public long ConsumeCoinsPerJob => _consumeCoins;

    public int JobCount => _jobs.Count;

    protected internal override Task WriteRateLimitedAsync(HttpContext context, TimeSpan retryAfter) =>
        context.Response.WriteAsJsonAsync(new { code = 429, message = "Too Many Requests", data = (object?)null });

    protected internal override void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost(SubmitPath, (Delegate)SubmitAsync);
        routes.MapPost(StatusPath, (Delegate)StatusAsync);
    }

    private async Task<IResult> SubmitAsync(HttpContext ctx)
    {
        if (!AuthCheck.Header(ctx, "Apikey", Settings.ApiKey)) return Error(ctx, 110400000);
        var body = await ReadJsonAsync(ctx);
        var fileUrl = body is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("file_url", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (string.IsNullOrWhiteSpace(fileUrl)) return Error(ctx, 100400002, "file_url is required");

        var trigger = Triggers.Take("create", fileUrl);
        if (trigger is not null && TriggeredError(ctx, trigger) is { } forced) return forced;
        if (!Uri.TryCreate(fileUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return Error(ctx, 100400001);
        if (!Coins.TryCharge(_consumeCoins)) return Error(ctx, 110402000);

        var origin = BaseOf(ctx.Request); // captured now: the request is gone when the work runs
        var job = _jobs.Create(_ => WorkAsync(url, trigger, origin), tag: new JobTag(fileUrl, trigger),
            walk: trigger is "stuck" ? new JobWalk([new WalkStep("CONVERTING", 50)], PollsPerStep: int.MaxValue) : null);
        RequestLog.Note(ctx, $"accepted job {job.Id}, charged {_consumeCoins} coins");
        return Results.Json(new { code = 200, message = "OK", data = new { job_id = job.Id, consume_coins = _consumeCoins } });
    }

    private async Task<IResult> StatusAsync(HttpContext ctx)
    {
        if (!AuthCheck.Header(ctx, "Apikey", Settings.ApiKey)) return Error(ctx, 110400000);
        var body = await ReadJsonAsync(ctx);
        var jobId = body is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("job_id", out var j) && j.ValueKind == JsonValueKind.String ? j.GetString() : null;
        if (string.IsNullOrWhiteSpace(jobId)) return Error(ctx, 100400002, "job_id is required");
        if (Triggers.Take("poll") is { } trigger && TriggeredError(ctx, trigger) is { } forced) return forced;

        // 003 documents no "not found": an unknown or expired job id is a bad request.
        var view = _jobs.Poll(jobId);
        if (view is null) return Error(ctx, 100400002, "job_id not found");
        var tag = (JobTag)view.Job.Tag!;
        if (!view.IsDone)
            return Status(jobId, view.Step!.State, null, null, tag.FileUrl);
        if (view.Outcome is { ErrorReason: null } done)
            return Status(jobId, "COMPLETED", done.ResUrl, done.MaskUrl, tag.FileUrl);
        RequestLog.Note(ctx, "job ERROR: " + (view.Outcome?.ErrorReason ?? view.Error?.Message));
        return Status(jobId, "ERROR", null, null, tag.FileUrl);
    }

    private static IResult Status(string jobId, string status, string? resUrl, string? maskUrl, string originalUrl) =>
        Results.Json(new
        {
            code = 200,
            message = "OK",
            data = new { job_id = jobId, status, res_url = resUrl ?? "", mask_url = maskUrl ?? "", original_url = originalUrl },
        });

    /// <summary>The job: fetch file_url, check the format, cut out with the engine, publish res + mask.</summary>
    private async Task<Outcome> WorkAsync(Uri fileUrl, string? trigger, string baseUrl)
    {
        if (trigger is "status=ERROR" or "error") return new Outcome(null, null, fileUrl.AbsoluteUri, "trigger");
        byte[] source;
        try
        {
            using var response = await Outbound.GetAsync(fileUrl).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return new Outcome(null, null, fileUrl.AbsoluteUri, $"file_url answered {(int)response.StatusCode}");
            source = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Outcome(null, null, fileUrl.AbsoluteUri, "file_url unreachable: " + e.Message);
        }
        try
        {
            var probe = Pixels.Probe(source);
            if (!AcceptedFormats.Contains(probe.Format)) return new Outcome(null, null, fileUrl.AbsoluteUri, "format " + probe.Format);
            var result = await CutOutAsync(source, new CutoutOptions { Output = OutputKind.ImageAndMask, Format = OutputFormat.Png }).ConfigureAwait(false);
            var res = baseUrl + ResultFiles.Put(result.Image!, "image/png", "png");
            var mask = baseUrl + ResultFiles.Put(result.Mask!, "image/png", "png");
            return new Outcome(res, mask, fileUrl.AbsoluteUri, null);
        }
        catch (CutoutException e)
        {
            return new Outcome(null, null, fileUrl.AbsoluteUri, $"engine {e.Code}: {e.Message}");
        }
    }

    /// <summary>
    /// Triggers: <c>code=N</c> (any code of 003's table, answered with its HTTP status), <c>http=N</c> (bare status with a
    /// matching body), <c>status=ERROR</c> / <c>stuck</c> (job-level, handled by the walk and the work; null here).
    /// </summary>
    private IResult? TriggeredError(HttpContext ctx, string trigger)
    {
        RequestLog.Note(ctx, "trigger " + trigger);
        var (kind, value) = ErrorTriggers.Parse(trigger);
        switch (kind)
        {
            case "code" when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code):
                return Error(ctx, code);
            case "http" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var http):
                if (http == 429) ctx.Response.Headers.RetryAfter = "1";
                return Results.Json(new { code = http, message = "emulated HTTP " + http, data = (object?)null }, statusCode: http);
            default:
                return null;
        }
    }

    private static IResult Error(HttpContext ctx, long code, string? note = null)
    {
        var (http, message) = Errors.TryGetValue(code, out var e) ? e : (400, "Bad Request");
        if (note is not null) RequestLog.Note(ctx, note);
        return Results.Json(new { code, message, data = (object?)null }, statusCode: http);
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpContext ctx)
    {
        try { return await JsonSerializer.DeserializeAsync<JsonElement>(ctx.Request.Body, Json, ctx.RequestAborted); }
        catch (JsonException) { return null; }
    }

    private static string BaseOf(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
