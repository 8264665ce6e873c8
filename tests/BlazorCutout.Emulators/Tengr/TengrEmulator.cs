using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BlazorCutout.Emulators.Tengr;

/// <summary>Tengr-only settings (pass as <see cref="EmulatorSettings"/> to the emulator).</summary>
public sealed class TengrEmulatorSettings : EmulatorSettings
{
    /// <summary>
    /// TEST ONLY: accept http and loopback <c>webhook</c> URLs (test listeners live on 127.0.0.1). Off, the emulator applies
    /// 001's rule: HTTPS on a publicly routable host, else 400.
    /// </summary>
    public bool AllowLoopbackWebhooksForTests { get; set; }
}

/// <summary>
/// Tengr.ai segmentation (seed 001) on the kit: <c>POST /v2/artworks/segmentation</c> (Bearer, JSON, every documented range
/// validated → 400 <c>{message, statusCode, error}</c>, 202 with the artwork), <c>GET /v2/artworks/{id}</c> (starting →
/// processing → succeeded | failed | canceled), results = URLs of the mask, webhook POSTs the final artwork.
/// Simplification: text mode does not ground the prompt; it returns the engine's subject mask (see README.md).
/// </summary>
[Emulator("tengr")]
public sealed class TengrEmulator : ServiceEmulator
{
    public const string CreatePath = "/v2/artworks/segmentation";
    public const string ArtworkPathPrefix = "/v2/artworks/";

    /// <summary>001 lists no rate; the emulator refuses above this many requests/s unless configured.</summary>
    public const double DefaultRequestsPerSecond = 10;
    /// <summary>001 says nothing about result lifetime: 1 hour, like the other services' signed links.</summary>
    public static readonly TimeSpan DefaultResultTtl = TimeSpan.FromHours(1);
    public static readonly JobWalk DefaultWalk = JobWalk.Of("starting:0", "processing:50");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly JobStore<Outcome> _jobs;
    private readonly bool _allowLoopbackWebhooks;

    /// <summary>A finished artwork: its status (succeeded/failed/canceled), result URLs and duration in seconds.</summary>
    public sealed record Outcome(string Status, IReadOnlyList<string> Results, double Duration, string? Reason);

    private sealed record ArtworkTag(JsonObject Parameters, string? Webhook, string? Trigger);

    public TengrEmulator(EmulatorSettings settings, PixelMaker pixels)
        : base(settings, pixels, DefaultRequestsPerSecond, DefaultResultTtl, DefaultWalk)
    {
        _allowLoopbackWebhooks = (settings as TengrEmulatorSettings)?.AllowLoopbackWebhooksForTests ?? false;
        var retention = ResultFiles.Ttl > TimeSpan.FromMinutes(10) ? ResultFiles.Ttl : TimeSpan.FromMinutes(10);
        _jobs = new JobStore<Outcome>(Walk, Time, retention);
        ResultFiles.ExpiredResponder = ctx =>
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return ctx.Response.WriteAsync("expired");
        };
    }

    public override string Name => "tengr";

    protected internal override Task WriteRateLimitedAsync(HttpContext context, TimeSpan retryAfter) =>
        context.Response.WriteAsJsonAsync(new { message = "ThrottlerException: Too Many Requests", statusCode = 429, error = "Too Many Requests" });

    protected internal override void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost(CreatePath, (Delegate)CreateAsync);
        routes.MapGet(ArtworkPathPrefix + "{id}", Get);
    }

    private async Task<IResult> CreateAsync(HttpContext ctx)
    {
        if (!AuthCheck.Bearer(ctx, Settings.ApiKey)) return Error(401, "Unauthorized");
        JsonObject? body;
        try { body = await JsonSerializer.DeserializeAsync<JsonNode>(ctx.Request.Body, Json, ctx.RequestAborted) as JsonObject; }
        catch (JsonException e) { return Error(400, "Unexpected token in JSON: " + e.Message.Split('.')[0]); }
        if (body is null) return Error(400, "Request body must be a JSON object");

        var trigger = Triggers.Take("create", Str(body, "imageUrl"), Str(body, "textPrompt"));
        if (trigger is not null && TriggeredError(ctx, trigger) is { } forced) return forced;

        var problem = Validate(body, out var parameters);
        if (problem is not null)
        {
            RequestLog.Note(ctx, "invalid: " + problem);
            return Error(400, problem);
        }
        var webhook = Str(parameters, "webhook");
        var stuck = trigger is "stuck";
        var origin = BaseOf(ctx.Request); // captured now: the request is gone when the work runs
        var job = _jobs.Create(_ => WorkAsync(parameters, trigger, origin),
            walk: stuck ? new JobWalk([new WalkStep("processing", 50)], PollsPerStep: int.MaxValue) : null,
            tag: new ArtworkTag(parameters, webhook, trigger));
        if (webhook is not null && !stuck)
            _ = job.Finished.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) Callbacks.Post(new Uri(webhook), Artwork(job.Id, job.CreatedAt, parameters, t.Result.Status, t.Result));
            }, TaskScheduler.Default);
        RequestLog.Note(ctx, $"accepted artwork {job.Id}");
        return Results.Json(Artwork(job.Id, job.CreatedAt, parameters, "starting", null), statusCode: StatusCodes.Status202Accepted);
    }

    private IResult Get(HttpContext ctx, string id)
    {
        if (!AuthCheck.Bearer(ctx, Settings.ApiKey)) return Error(401, "Unauthorized");
        if (Triggers.Take("poll") is { } trigger && TriggeredError(ctx, trigger) is { } forced) return forced;
        var view = _jobs.Poll(id);
        if (view is null) return Error(404, $"Artwork {id} not found");
        var tag = (ArtworkTag)view.Job.Tag!;
        if (!view.IsDone) return Results.Json(Artwork(id, view.Job.CreatedAt, tag.Parameters, view.Step!.State, null));
        var outcome = view.Outcome ?? new Outcome("failed", [], 0, view.Error?.Message);
        if (outcome.Reason is not null) RequestLog.Note(ctx, $"artwork {outcome.Status}: {outcome.Reason}");
        return Results.Json(Artwork(id, view.Job.CreatedAt, tag.Parameters, outcome.Status, outcome));
    }

    private static object Artwork(string id, DateTimeOffset createdAt, JsonObject parameters, string status, Outcome? outcome) => new
    {
        id,
        artworkType = "segmentation",
        parameters,
        duration = outcome?.Duration ?? 0,
        results = outcome?.Results ?? [],
        status,
        createdAt = createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The job: fetch imageUrl, cut out with the engine and publish the mask. Points: the engine's point refinement
    /// (pointsPositive → positive clicks, pointsNegative → negative clicks). Text: the subject mask (no grounding).
    /// </summary>
    private async Task<Outcome> WorkAsync(JsonObject p, string? trigger, string baseUrl)
    {
        var started = Time.GetTimestamp();
        if (trigger is "status=failed") return new Outcome("failed", [], 0, "trigger");
        if (trigger is "status=canceled") return new Outcome("canceled", [], 0, "trigger");
        var imageUrl = new Uri(Str(p, "imageUrl")!);
        byte[] source;
        try
        {
            using var response = await Outbound.GetAsync(imageUrl).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return new Outcome("failed", [], 0, $"imageUrl answered {(int)response.StatusCode}");
            source = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Outcome("failed", [], 0, "imageUrl unreachable: " + e.Message);
        }
        try
        {
            var points = Str(p, "method") == "points";
            var options = new CutoutOptions
            {
                Output = OutputKind.Mask,
                Format = OutputFormat.Png,
                Mask = new MaskOptions
                {
                    Expand = (int)Num(p, "maskExpand"),
                    TaperedCorners = p["maskTaperedCorners"] is JsonValue t && t.TryGetValue<bool>(out var tapered) && tapered,
                    BlurSigma = Num(p, "maskBlurSigma"),
                    KernelSize = (int)Num(p, "maskKernelSize"),
                },
                PositivePoints = points ? Points(p["pointsPositive"]) : [],
                NegativePoints = points ? Points(p["pointsNegative"]) : [],
            };
            var result = await CutOutAsync(source, options).ConfigureAwait(false);
            // Simplification: the engine encodes masks as PNG; outputFormat webp/auto still yields a PNG mask.
            var url = baseUrl + ResultFiles.Put(result.Mask!, "image/png", "png");
            return new Outcome("succeeded", [url], Time.GetElapsedTime(started).TotalSeconds, null);
        }
        catch (CutoutException e)
        {
            return new Outcome("failed", [], Time.GetElapsedTime(started).TotalSeconds, $"engine {e.Code}: {e.Message}");
        }
    }

    private static IReadOnlyList<NormalizedPoint> Points(JsonNode? set) =>
        set?["points"] is JsonArray arr
            ? arr.Select(pt => new NormalizedPoint(ToDouble(pt![0]), ToDouble(pt[1]))).ToList()
            : [];

    // ---------------- validation: 001's documented rules ----------------

    /// <summary>Checks the body as 001 documents it; fills documented defaults into <paramref name="parameters"/>. Null = valid.</summary>
    private string? Validate(JsonObject body, out JsonObject parameters)
    {
        parameters = new JsonObject();
        var imageUrl = Str(body, "imageUrl");
        if (imageUrl is null) return "imageUrl must be a string";
        if (!Uri.TryCreate(imageUrl, UriKind.Absolute, out var img) || (img.Scheme != "http" && img.Scheme != "https")) return "imageUrl must be a URL address";
        parameters["imageUrl"] = imageUrl;

        if (Number(body, "maskExpand", -16384, 16384, 0, parameters, integer: true) is { } e1) return e1;
        if (Bool(body, "maskTaperedCorners", false, parameters) is { } e2) return e2;
        if (Number(body, "maskBlurSigma", 0.1, 100, 0.1, parameters) is { } e3) return e3;
        if (Number(body, "maskKernelSize", null, 100, 0, parameters, integer: true) is { } e4) return e4;

        if (body["webhook"] is { } wh)
        {
            if (wh.GetValueKind() != JsonValueKind.String) return "webhook must be a string";
            var problem = WebhookProblem(wh.GetValue<string>());
            if (problem is not null) return problem;
            parameters["webhook"] = wh.GetValue<string>();
        }
        var format = body["outputFormat"] is { } of ? (of.GetValueKind() == JsonValueKind.String ? of.GetValue<string>() : "?") : "auto";
        if (format is not ("auto" or "png" or "webp")) return "outputFormat must be one of the following values: auto, png, webp";
        parameters["outputFormat"] = format;

        var method = Str(body, "method");
        if (method is not ("text" or "points")) return "method must be one of the following values: text, points";
        parameters["method"] = method;

        if (method == "text")
        {
            var prompt = Str(body, "textPrompt");
            if (string.IsNullOrWhiteSpace(prompt)) return "textPrompt is required when method is 'text'";
            parameters["textPrompt"] = prompt;
            if (Number(body, "textConfidence", null, 1, 0.2, parameters) is { } t1) return t1;
            if (Number(body, "textMaxDetections", -1, 100, -1, parameters, integer: true) is { } t2) return t2;
            if (Bool(body, "textCombineMasks", true, parameters) is { } t3) return t3;
        }
        else
        {
            if (body["pointsPositive"] is null) return "pointsPositive is required when method is 'points'";
            if (PointSet(body, "pointsPositive", parameters, required: true) is { } p1) return p1;
            if (PointSet(body, "pointsNegative", parameters, required: false) is { } p2) return p2;
            if (Number(body, "pointsRefinementSteps", null, 10, 0, parameters, integer: true) is { } p3) return p3;
            if (Bool(body, "pointsMultimask", true, parameters) is { } p4) return p4;
            if (Bool(body, "pointsBestMask", true, parameters) is { } p5) return p5;
        }
        return null;
    }

    private string? WebhookProblem(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var u)) return "webhook must be a URL address";
        if (_allowLoopbackWebhooks) return u.Scheme is "http" or "https" ? null : "webhook must be a URL address";
        if (u.Scheme != Uri.UriSchemeHttps) return "webhook must use HTTPS";
        if (u.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(u.Host.Trim('[', ']'), out var ip) && !IsPublic(ip))
            return "webhook must be a publicly routable host";
        if (u.IsLoopback || u.Host.EndsWith(".local", StringComparison.OrdinalIgnoreCase) || u.Host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase))
            return "webhook must be a publicly routable host";
        return null;
    }

    private static bool IsPublic(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal) return false;
        var b = ip.GetAddressBytes();
        if (b.Length != 4) return true;
        return !(b[0] is 10 or 0 or 127 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127));
    }

    private static string? Number(JsonObject body, string name, double? min, double? max, double fallback, JsonObject into, bool integer = false)
    {
        var node = body[name];
        if (node is null)
        {
            into[name] = integer ? (JsonNode)(int)fallback : fallback;
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.Number) return $"{name} must be a number";
        var v = node.GetValue<double>();
        if (integer && Math.Abs(v - Math.Round(v)) > 0) return $"{name} must be an integer number";
        if (min is { } lo && v < lo) return $"{name} must not be less than {lo.ToString(CultureInfo.InvariantCulture)}";
        if (max is { } hi && v > hi) return $"{name} must not be greater than {hi.ToString(CultureInfo.InvariantCulture)}";
        into[name] = integer ? (JsonNode)(int)v : v;
        return null;
    }

    private static string? Bool(JsonObject body, string name, bool fallback, JsonObject into)
    {
        var node = body[name];
        if (node is null) { into[name] = fallback; return null; }
        if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) return $"{name} must be a boolean value";
        into[name] = node.GetValue<bool>();
        return null;
    }

    private static string? PointSet(JsonObject body, string name, JsonObject into, bool required)
    {
        if (body[name] is not { } node) return required ? $"{name} is required" : null;
        if (node is not JsonObject set) return $"{name} must be an object";
        if (set["points"] is not JsonArray points) return $"{name}.points must be an array";
        if (set["labels"] is not JsonArray labels) return $"{name}.labels must be an array";
        foreach (var point in points)
        {
            if (point is not JsonArray pair || pair.Count is < 2 or > 2) return $"{name}.points must contain [x, y] pairs (exactly 2 elements)";
            foreach (var c in pair)
            {
                if (c is null || c.GetValueKind() != JsonValueKind.Number) return $"{name}.points coordinates must be numbers";
                var v = c.GetValue<double>();
                if (v is < 0 or > 1) return $"{name}.points coordinates must be between 0.0 and 1.0";
            }
        }
        if (labels.Count != points.Count) return $"{name}.labels must have one label per point";
        if (labels.Any(l => l is null || l.GetValueKind() != JsonValueKind.Number)) return $"{name}.labels must be numbers";
        into[name] = set.DeepClone();
        return null;
    }

    private static string? Str(JsonObject o, string name) =>
        o[name] is { } n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;

    private static double Num(JsonObject o, string name) => ToDouble(o[name]);

    /// <summary>Numbers parsed from the request and numbers the validator stored (int or double) alike.</summary>
    private static double ToDouble(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<double>(out var d) ? d
        : v.TryGetValue<int>(out var i) ? i
        : v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : 0
        : 0;

    /// <summary>Triggers: <c>http=400|401|403|404|429|500</c> (001's error body), job-level <c>status=failed</c>,
    /// <c>status=canceled</c>, <c>stuck</c> (null here; handled by the work and the walk).</summary>
    private static IResult? TriggeredError(HttpContext ctx, string trigger)
    {
        RequestLog.Note(ctx, "trigger " + trigger);
        var (kind, value) = ErrorTriggers.Parse(trigger);
        if (kind != "http" || !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var status)) return null;
        if (status == 429) ctx.Response.Headers.RetryAfter = "1";
        return Error(status, status switch
        {
            400 => "Bad Request: emulated",
            401 => "Unauthorized",
            403 => "Forbidden resource",
            404 => "Not Found",
            429 => "ThrottlerException: Too Many Requests",
            _ => "Internal server error",
        });
    }

    /// <summary>001's error body.</summary>
    private static IResult Error(int status, string message) =>
        Results.Json(new { message, statusCode = status, error = ReasonPhrase(status) }, statusCode: status);

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => ((HttpStatusCode)status).ToString(),
    };

    private static string BaseOf(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
