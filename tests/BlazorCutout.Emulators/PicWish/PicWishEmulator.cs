using System.Globalization;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace BlazorCutout.Emulators.PicWish;

/// <summary>
/// PicWish background removal (seed 004): <c>POST /api/tasks/visual/segmentation</c> (multipart, <c>X-API-KEY</c>) and
/// <c>GET /api/tasks/visual/segmentation/{task_id}</c>. Async walk 0 → 2 → 4 (20/60/90) → 1 by default, sync mode,
/// return_type 1/2/3, 429 above 2 req/s, result URLs valid 1 h (configurable), every state and status reachable by a trigger.
/// Triggers (file name, image_url, bg_image_* or queued; see README): <c>http=400|401|404|413|429|500</c>,
/// <c>body-status=N</c> (HTTP 200 carrying status N), <c>state=-17…-1</c>, <c>stuck</c>.
/// </summary>
[Emulator("picwish")]
public sealed class PicWishEmulator : ServiceEmulator
{
    public const string CreatePath = "/api/tasks/visual/segmentation";
    public const long MaxUploadBytes = 20L * 1024 * 1024;
    public const long MaxUrlBytes = 30L * 1024 * 1024;

    /// <summary>Queued, preparing, processing 20/60/90, then done (the sixth poll sees state 1).</summary>
    public static JobWalk DefaultWalk { get; } = JobWalk.Of("0:0", "2:10", "4:20", "4:60", "4:90");

    private static readonly HashSet<int> FailureStates = [-17, -16, -15, -14, -13, -11, -10, -9, -8, -7, -5, -3, -2, -1];

    public PicWishEmulator(EmulatorSettings settings, PixelMaker pixels)
        : base(settings, pixels, defaultRequestsPerSecond: 2, defaultResultTtl: TimeSpan.FromHours(1), DefaultWalk)
    {
        Jobs = new JobStore<Outcome>(Walk, Time, ResultFiles.Ttl);
    }

    public override string Name => "picwish";

    public JobStore<Outcome> Jobs { get; }

    /// <summary>The document says timestamps are strings; set to send numbers instead (clients must accept both).</summary>
    public bool NumericTimestamps { get; set; }

    /// <summary>What a finished job shows: state 1 with results, or a failure state.</summary>
    public sealed record Outcome(int State, string? Image = null, string? Mask = null, byte[]? Binary = null, string? BinaryType = null, string? Detail = null);

    private sealed record Request(int ReturnType, DateTimeOffset CreatedAt);

    protected internal override void MapRoutes(IEndpointRouteBuilder routes)
    {
        // Handlers return IResult; run them explicitly (a Task<IResult> method group would bind as a RequestDelegate and never execute).
        routes.MapPost(CreatePath, async ctx => await (await CreateAsync(ctx)).ExecuteAsync(ctx));
        routes.MapGet(CreatePath + "/{taskId}", async ctx => await (await PollAsync(ctx, (string)ctx.Request.RouteValues["taskId"]!)).ExecuteAsync(ctx));
    }

    private static IResult Status(int status, string message, int? httpStatus = null, bool retryAfter = false) =>
        new StatusResult(httpStatus ?? status, new { status, message }, retryAfter);

    private sealed class StatusResult(int http, object body, bool retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext ctx)
        {
            ctx.Response.StatusCode = http;
            if (retryAfter) ctx.Response.Headers.RetryAfter = "1";
            return ctx.Response.WriteAsJsonAsync(body);
        }
    }

    private static IResult? FromTrigger(HttpContext ctx, string? trigger)
    {
        if (trigger is null) return null;
        RequestLog.Note(ctx, "trigger " + trigger);
        var (kind, value) = ErrorTriggers.Parse(trigger);
        if (kind is not ("http" or "body-status")) return null;
        var code = int.Parse(value!, CultureInfo.InvariantCulture);
        var message = code switch
        {
            400 => "Parameter error",
            401 => "Unauthorized",
            404 => "Not Found",
            413 => "Request Entity Too Large",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            _ => "Error",
        };
        return Status(code, message, kind == "body-status" ? 200 : code, retryAfter: code == 429);
    }

    private async Task<IResult> CreateAsync(HttpContext ctx)
    {
        if (!AuthCheck.Header(ctx, "X-API-KEY", Settings.ApiKey)) return Status(401, "Unauthorized");
        if (!ctx.Request.HasFormContentType) return Status(400, "Request must be multipart/form-data");
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var file = form.Files.GetFile("image_file");
        var url = Text(form, "image_url");
        var bgFile = form.Files.GetFile("bg_image_file");
        var bgUrl = Text(form, "bg_image_url");
        var trigger = Triggers.Take("create", file?.FileName, url, bgFile?.FileName, bgUrl);
        if (FromTrigger(ctx, trigger) is { } forced) return forced;

        // Validation, in the order the document lists the fields.
        if (file is null && url is null) return Status(400, "image_file or image_url is required");
        if (file is not null && url is not null) return Status(400, "image_file and image_url are mutually exclusive");
        if (!TryInt(form, "sync", 0, [0, 1], out var sync)) return Status(400, "sync must be 0 or 1");
        var type = Text(form, "type");
        if (type is not (null or "person" or "object" or "stamp")) return Status(400, "type must be empty, person, object or stamp");
        if (!TryInt(form, "return_type", 1, [1, 2, 3], out var returnType)) return Status(400, "return_type must be 1, 2 or 3");
        if (returnType == 3 && sync != 1) return Status(400, "return_type 3 is only available for sync requests");
        if (!TryInt(form, "output_type", 2, [1, 2, 3], out var outputType)) return Status(400, "output_type must be 1, 2 or 3");
        if (!TryInt(form, "crop", 0, [0, 1], out var crop)) return Status(400, "crop must be 0 or 1");
        var format = Text(form, "format") ?? "png";
        if (format is not ("png" or "jpg")) return Status(400, "format must be png or jpg");
        var bgColor = Text(form, "bg_color");
        if (bgColor is not null && (bgColor.Length != 6 || !int.TryParse(bgColor, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _)))
            return Status(400, "bg_color must be a hex colour such as 81d4fa");
        if (new[] { bgColor is not null, bgFile is not null, bgUrl is not null }.Count(b => b) > 1)
            return Status(400, "only one of bg_color, bg_image_file, bg_image_url may be given");
        if (file is not null && file.Length > MaxUploadBytes) return Status(413, "The uploaded file exceeds 20MB");
        if (bgFile is not null && bgFile.Length > MaxUploadBytes) return Status(413, "The background file exceeds 20MB");

        var source = file is null ? null : await SourceReader.ReadAsync(file, ctx.RequestAborted);
        var background = bgFile is null ? null : await SourceReader.ReadAsync(bgFile, ctx.RequestAborted);
        var options = new CutoutOptions
        {
            Output = (OutputKind)outputType,
            Format = format == "jpg" ? OutputFormat.Jpg : OutputFormat.Png,
            Crop = crop == 1,
            // "Only effective when format=jpg": with png the colour is ignored, as documented.
            BackgroundColor = format == "jpg" ? bgColor : null,
            Type = type switch { "person" => SubjectType.Person, "object" => SubjectType.Object, "stamp" => SubjectType.Stamp, _ => SubjectType.Auto },
        };
        var origin = $"{ctx.Request.Scheme}://{ctx.Request.Host}";
        var job = Jobs.Create(
            _ => RunAsync(trigger, source, url, background, bgUrl, options, returnType, origin),
            walk: sync == 1 ? JobWalk.Immediate : null,
            tag: new Request(returnType, Time.GetUtcNow()));

        if (sync == 0)
            return Results.Json(new { status = 200, message = "success", data = new { task_id = job.Id } });

        var outcome = await job.Finished.WaitAsync(ctx.RequestAborted);
        if (returnType == 3 && outcome.State == 1 && outcome.Binary is not null)
            return Results.Bytes(outcome.Binary, outcome.BinaryType ?? "image/png");
        return Results.Json(new { status = 200, message = "success", data = Data(job, null, outcome) });
    }

    private async Task<IResult> PollAsync(HttpContext ctx, string taskId)
    {
        if (!AuthCheck.Header(ctx, "X-API-KEY", Settings.ApiKey)) return Status(401, "Unauthorized");
        if (FromTrigger(ctx, Triggers.Take("poll")) is { } forced) return forced;
        var view = Jobs.Poll(taskId);
        if (view is null) return Status(404, "Task not found");
        await Task.CompletedTask;
        var outcome = view.Outcome ?? (view.Error is null ? null : new Outcome(-1, Detail: view.Error.Message));
        return Results.Json(new { status = 200, message = "success", data = Data(view.Job, view.Step, outcome) });
    }

    private Dictionary<string, object?> Data(EmulatedJob<Outcome> job, WalkStep? step, Outcome? outcome)
    {
        var data = new Dictionary<string, object?>
        {
            ["task_id"] = job.Id,
            ["created_at"] = Stamp(job.CreatedAt),
            ["processed_at"] = Stamp(job.CreatedAt),
        };
        if (outcome is null)
        {
            data["state"] = int.Parse(step!.State, CultureInfo.InvariantCulture);
            data["progress"] = step.Progress;
            if (step.State == "0") data.Remove("processed_at");
            return data;
        }
        data["state"] = outcome.State;
        data["progress"] = outcome.State == 1 ? 100 : 0;
        data["completed_at"] = Stamp(job.CompletedAt ?? Time.GetUtcNow());
        if (outcome.Image is not null) data["image"] = outcome.Image;
        if (outcome.Mask is not null) data["mask"] = outcome.Mask;
        return data;
    }

    private object Stamp(DateTimeOffset t) => NumericTimestamps ? t.ToUnixTimeSeconds() : t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private async Task<Outcome> RunAsync(string? trigger, byte[]? source, string? url, byte[]? background, string? bgUrl,
        CutoutOptions options, int returnType, string origin)
    {
        if (trigger is not null)
        {
            var (kind, value) = ErrorTriggers.Parse(trigger);
            if (kind == "stuck") await Task.Delay(Timeout.Infinite);
            if (kind == "state" && int.TryParse(value, CultureInfo.InvariantCulture, out var forced) && FailureStates.Contains(forced))
                return new Outcome(forced, Detail: "forced by trigger");
        }
        try
        {
            source ??= await SourceReader.FetchAsync(Outbound, url!, MaxUrlBytes);
            if (bgUrl is not null) background = await SourceReader.FetchAsync(Outbound, bgUrl, MaxUploadBytes);
        }
        catch (SourceReader.TooLargeException)
        {
            return new Outcome(-5, Detail: "image_url exceeds 30MB");
        }
        catch (SourceReader.FetchFailedException e)
        {
            return new Outcome(-3, Detail: "download failed: " + e.Message);
        }

        CutoutResult result;
        try
        {
            result = await Pixels.CutOutAsync(source, options with { BackgroundImage = background });
        }
        catch (CutoutException e)
        {
            return new Outcome(e.Code switch
            {
                CutoutErrorCode.Empty or CutoutErrorCode.NotAnImage or CutoutErrorCode.CorruptImage or CutoutErrorCode.UnsupportedFormat => -7,
                CutoutErrorCode.TooManyPixels or CutoutErrorCode.FileTooLarge => -14,
                CutoutErrorCode.Busy => -15,
                _ => -1,
            }, Detail: e.Message);
        }
        if (result.Image is null && result.Mask is null) return new Outcome(-11, Detail: "empty result");

        var imageType = result.ImageContentType ?? "image/png";
        string? Encode(byte[]? bytes, string contentType) => bytes is null ? null
            : returnType == 2 ? Convert.ToBase64String(bytes)
            : origin + ResultFiles.Put(bytes, contentType, PixelMaker.Extension(contentType));
        return new Outcome(1,
            Image: Encode(result.Image, imageType),
            Mask: Encode(result.Mask, "image/png"),
            Binary: result.Image ?? result.Mask,
            BinaryType: result.Image is null ? "image/png" : imageType);
    }

    private static string? Text(IFormCollection form, string name) =>
        form.TryGetValue(name, out StringValues v) && !StringValues.IsNullOrEmpty(v) && v.ToString().Length > 0 ? v.ToString() : null;

    private static bool TryInt(IFormCollection form, string name, int fallback, int[] allowed, out int value)
    {
        var text = Text(form, name);
        if (text is null)
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && allowed.Contains(value);
    }
}
