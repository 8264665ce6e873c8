using System.Globalization;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace BlazorCutout.Emulators.GptGe;

/// <summary>
/// The gpt.ge reseller (seeds 000 and 002): <c>POST /task/pic/segmentation</c>, <c>POST /task/pic/background</c> (multipart,
/// <c>Authorization: Bearer</c>), <c>GET /task/{task_id}</c> (seeds/README.md). PicWish's envelope and state codes, numeric
/// timestamps, <c>callback_url</c> notified on completion. Background generation = the engine's cut-out composited over N
/// deterministic gradients derived from the prompt (different per batch item).
/// Triggers (file name, image_url, prompt, or queued; scopes <c>create</c>/<c>poll</c>): <c>http=N</c>, <c>body-status=N</c>,
/// <c>state=S</c>, <c>stuck</c>, <c>shape=image-string|image-array|images</c>, <c>partial=K</c>, <c>timestamps=string</c>.
/// </summary>
[Emulator("gptge")]
public sealed class GptGeEmulator : ServiceEmulator
{
    public const string SegmentationPath = "/task/pic/segmentation";
    public const string BackgroundPath = "/task/pic/background";
    public const string PollPath = "/task";
    public const long MaxUploadBytes = 20L * 1024 * 1024;
    public const long MaxUrlBytes = 30L * 1024 * 1024;

    public static JobWalk DefaultWalk { get; } = JobWalk.Of("0:0", "2:10", "4:30", "4:70");

    private static readonly HashSet<int> FailureStates = [-17, -16, -15, -14, -13, -11, -10, -9, -8, -7, -5, -3, -2, -1];

    public GptGeEmulator(EmulatorSettings settings, PixelMaker pixels)
        : base(settings, pixels, defaultRequestsPerSecond: 2, defaultResultTtl: TimeSpan.FromHours(1), DefaultWalk)
    {
        Jobs = new JobStore<Outcome>(Walk, Time, ResultFiles.Ttl);
    }

    public override string Name => "gptge";
    public JobStore<Outcome> Jobs { get; }

    /// <summary>How background results are listed unless a trigger says otherwise.</summary>
    public string BackgroundShape { get; set; } = "image-array";

    public sealed record Outcome(int State, IReadOnlyList<string> Images, string? Mask = null, string? Detail = null, int? Width = null, int? Height = null);

    private sealed record Request(string Kind, int Batch, Uri? Callback, string Shape, bool StringTimestamps, int OutputType);

    protected internal override void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost(SegmentationPath, ctx => CreateAsync(ctx, background: false));
        routes.MapPost(BackgroundPath, ctx => CreateAsync(ctx, background: true));
        routes.MapGet(PollPath + "/{taskId}", PollAsync);
    }

    private static Task Status(HttpContext ctx, int status, string message, int? http = null)
    {
        ctx.Response.StatusCode = http ?? status;
        if (status == 429) ctx.Response.Headers.RetryAfter = "1";
        return ctx.Response.WriteAsJsonAsync(new { status, message });
    }

    private static bool TryForced(HttpContext ctx, string? trigger, out Task response)
    {
        response = Task.CompletedTask;
        if (trigger is null) return false;
        RequestLog.Note(ctx, "trigger " + trigger);
        var (kind, value) = ErrorTriggers.Parse(trigger);
        if (kind is not ("http" or "body-status") || !int.TryParse(value, CultureInfo.InvariantCulture, out var code)) return false;
        response = Status(ctx, code, code switch
        {
            400 => "invalid parameters",
            401 => "invalid token",
            404 => "not found",
            413 => "file too large",
            429 => "too many requests",
            _ => "internal error",
        }, kind == "body-status" ? 200 : code);
        return true;
    }

    private async Task CreateAsync(HttpContext ctx, bool background)
    {
        if (!AuthCheck.Bearer(ctx, Settings.ApiKey))
        {
            await Status(ctx, 401, "invalid token");
            return;
        }
        if (!ctx.Request.HasFormContentType)
        {
            await Status(ctx, 400, "multipart/form-data expected");
            return;
        }
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var file = form.Files.GetFile("image_file");
        var url = Text(form, "image_url");
        var prompt = Text(form, "prompt");
        var trigger = Triggers.Take("create", file?.FileName, url, prompt);
        if (TryForced(ctx, trigger, out var forced))
        {
            await forced;
            return;
        }

        string? error = null;
        if (file is null && url is null) error = "image_file or image_url is required";
        else if (file is not null && url is not null) error = "image_file and image_url are mutually exclusive";
        if (!TryInt(form, "sync", 0, 0, 1, out var sync)) error ??= "sync must be 0 or 1";
        var callbackText = Text(form, "callback_url");
        Uri? callback = null;
        if (callbackText is not null && !Uri.TryCreate(callbackText, UriKind.Absolute, out callback)) error ??= "callback_url must be an absolute URL";

        CutoutOptions options;
        var batch = 1;
        var outputType = 2;
        if (background)
        {
            // 002: batch_size "required, default 2, maximum 4": a missing value takes the default.
            if (!TryInt(form, "batch_size", 2, 1, 4, out batch)) error ??= "batch_size must be between 1 and 4";
            if (string.IsNullOrWhiteSpace(prompt)) error ??= "prompt is required";
            else if (prompt.Length > 1024) error ??= "prompt must be at most 1024 characters";
            options = new CutoutOptions();
        }
        else
        {
            var type = Text(form, "type");
            if (type is not (null or "person" or "object" or "stamp")) error ??= "type must be empty, person, object or stamp";
            if (!TryInt(form, "output_type", 2, 1, 3, out outputType)) error ??= "output_type must be 1, 2 or 3";
            if (!TryInt(form, "crop", 0, 0, 1, out var crop)) error ??= "crop must be 0 or 1";
            var format = Text(form, "format") ?? "png";
            if (format is not ("png" or "jpg")) error ??= "format must be png or jpg";
            var bgColor = Text(form, "bg_color");
            if (bgColor is not null && (bgColor.Length != 6 || !int.TryParse(bgColor, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _)))
                error ??= "bg_color must be a hex colour such as ffffff";
            options = new CutoutOptions
            {
                Output = (OutputKind)Math.Clamp(outputType, 1, 3),
                Format = format == "jpg" ? OutputFormat.Jpg : OutputFormat.Png,
                Crop = crop == 1,
                BackgroundColor = format == "jpg" ? bgColor : null,
                Type = type switch { "person" => SubjectType.Person, "object" => SubjectType.Object, "stamp" => SubjectType.Stamp, _ => SubjectType.Auto },
            };
        }
        if (error is not null)
        {
            await Status(ctx, 400, error);
            return;
        }
        if (file is not null && file.Length > MaxUploadBytes)
        {
            await Status(ctx, 413, "file exceeds 20MB");
            return;
        }

        var (kind, value) = trigger is null ? ("", null) : ErrorTriggers.Parse(trigger);
        var shape = kind == "shape" && value is not null ? value : background ? BackgroundShape : "image-string";
        var request = new Request(background ? "background" : "segmentation", batch, callback, shape, kind == "timestamps" && value == "string", outputType);
        var source = file is null ? null : await SourceReader.ReadAsync(file, ctx.RequestAborted);
        var origin = $"{ctx.Request.Scheme}://{ctx.Request.Host}";
        var job = Jobs.Create(_ => RunAsync(trigger, source, url, options, background, batch, prompt ?? "", origin),
            walk: sync == 1 ? JobWalk.Immediate : null, tag: request);
        if (callback is not null)
            _ = job.Finished.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) Callbacks.Post(callback, new { status = 200, data = Data(job, null, t.Result) });
            }, TaskScheduler.Default);

        if (sync == 0)
        {
            await ctx.Response.WriteAsJsonAsync(new { status = 200, data = new { task_id = job.Id } });
            return;
        }
        var outcome = await job.Finished.WaitAsync(ctx.RequestAborted);
        await ctx.Response.WriteAsJsonAsync(new { status = 200, data = Data(job, null, outcome) });
    }

    private async Task PollAsync(HttpContext ctx, string taskId)
    {
        if (!AuthCheck.Bearer(ctx, Settings.ApiKey))
        {
            await Status(ctx, 401, "invalid token");
            return;
        }
        if (TryForced(ctx, Triggers.Take("poll"), out var forced))
        {
            await forced;
            return;
        }
        var view = Jobs.Poll(taskId);
        if (view is null)
        {
            await Status(ctx, 404, "task not found");
            return;
        }
        var outcome = view.Outcome ?? (view.Error is null ? null : new Outcome(-1, [], Detail: view.Error.Message));
        await ctx.Response.WriteAsJsonAsync(new { status = 200, data = Data(view.Job, view.Step, outcome) });
    }

    private Dictionary<string, object?> Data(EmulatedJob<Outcome> job, WalkStep? step, Outcome? outcome)
    {
        var r = (Request)job.Tag!;
        object Stamp(DateTimeOffset t) => r.StringTimestamps ? t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : t.ToUnixTimeSeconds();
        var data = new Dictionary<string, object?>
        {
            ["task_id"] = job.Id,
            ["created_at"] = Stamp(job.CreatedAt),
            ["processed_at"] = Stamp(job.CreatedAt),
            ["type"] = "auto",
            ["return_type"] = 1,
            ["output_type"] = r.OutputType,
        };
        if (outcome is null)
        {
            data["state"] = int.Parse(step!.State, CultureInfo.InvariantCulture);
            data["progress"] = step.Progress;
            data["state_detail"] = step.State == "0" ? "Queued" : "Processing";
            data["err_info"] = "";
            return data;
        }
        data["state"] = outcome.State;
        data["progress"] = outcome.State == 1 ? 100 : 0;
        data["completed_at"] = Stamp(job.CompletedAt ?? Time.GetUtcNow());
        data["state_detail"] = outcome.State == 1 ? "Complete" : "Failed";
        data["err_info"] = outcome.State == 1 ? "" : outcome.Detail ?? "";
        if (outcome.Width is { } w) data["image_width"] = w;
        if (outcome.Height is { } h) data["image_height"] = h;
        if (outcome.State == 1)
        {
            switch (r.Shape)
            {
                case "images": data["images"] = outcome.Images; break;
                case "image-array": data["image"] = outcome.Images; break;
                default: data["image"] = outcome.Images.FirstOrDefault(); break;
            }
            if (outcome.Mask is not null) data["mask"] = outcome.Mask;
        }
        return data;
    }

    private async Task<Outcome> RunAsync(string? trigger, byte[]? source, string? url, CutoutOptions options, bool background, int batch, string prompt, string origin)
    {
        var (kind, value) = trigger is null ? ("", null) : ErrorTriggers.Parse(trigger);
        if (kind == "stuck") await Task.Delay(Timeout.Infinite);
        if (kind == "state" && int.TryParse(value, CultureInfo.InvariantCulture, out var forced) && FailureStates.Contains(forced))
            return new Outcome(forced, [], Detail: "forced by trigger");
        try
        {
            source ??= await SourceReader.FetchAsync(Outbound, url!, MaxUrlBytes);
        }
        catch (SourceReader.TooLargeException)
        {
            return new Outcome(-5, [], Detail: "image_url exceeds 30MB");
        }
        catch (SourceReader.FetchFailedException e)
        {
            return new Outcome(-3, [], Detail: "download failed: " + e.Message);
        }
        try
        {
            if (!background)
            {
                var r = await Pixels.CutOutAsync(source, options);
                if (r.Image is null && r.Mask is null) return new Outcome(-11, [], Detail: "empty result");
                var type = r.ImageContentType ?? "image/png";
                return new Outcome(1,
                    r.Image is null ? [] : [origin + ResultFiles.Put(r.Image, type, PixelMaker.Extension(type))],
                    r.Mask is null ? null : origin + ResultFiles.Put(r.Mask, "image/png", "png"),
                    Width: r.Width, Height: r.Height);
            }
            var probe = Pixels.Probe(source);
            var count = kind == "partial" && int.TryParse(value, CultureInfo.InvariantCulture, out var k) ? Math.Clamp(k, 0, batch) : batch;
            var urls = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var backdrop = Backgrounds.Gradient(prompt, i, probe.Width, probe.Height);
                var r = await Pixels.CutOutAsync(source, new CutoutOptions { BackgroundImage = backdrop });
                var type = r.ImageContentType ?? "image/png";
                urls.Add(origin + ResultFiles.Put(r.Image!, type, PixelMaker.Extension(type)));
            }
            return new Outcome(1, urls, Width: probe.Width, Height: probe.Height);
        }
        catch (CutoutException e)
        {
            return new Outcome(e.Code switch
            {
                CutoutErrorCode.Empty or CutoutErrorCode.NotAnImage or CutoutErrorCode.CorruptImage or CutoutErrorCode.UnsupportedFormat => -7,
                CutoutErrorCode.TooManyPixels or CutoutErrorCode.FileTooLarge => -14,
                CutoutErrorCode.Busy => -15,
                _ => -1,
            }, [], Detail: e.Message);
        }
    }

    private static string? Text(IFormCollection form, string name) =>
        form.TryGetValue(name, out StringValues v) && v.ToString().Length > 0 ? v.ToString() : null;

    private static bool TryInt(IFormCollection form, string name, int fallback, int min, int max, out int value)
    {
        var text = Text(form, name);
        if (text is null)
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
