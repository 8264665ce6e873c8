using BlazorCutout.Engine;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BlazorCutout.Emulators.Kit;

/// <summary>Names an emulator for the standalone runner (<c>--picwish 5101</c>). The class needs a constructor (EmulatorSettings, PixelMaker).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EmulatorAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// Settings every emulator shares. Null values mean "the emulated service's documented default" (PicWish: 2 req/s, 1 h TTL).
/// Tests shorten <see cref="ResultTtl"/> and the walk; nothing here is timed by assertions.
/// </summary>
public class EmulatorSettings
{
    /// <summary>The key (or bearer token) the emulator accepts; anything else is answered as the service answers a bad key.</summary>
    public string ApiKey { get; set; } = "emulator-test-key-0000000000000000";
    /// <summary>Requests per second above which the API answers 429 with Retry-After; null = service default; 0 or less = unlimited.</summary>
    public double? RequestsPerSecond { get; set; }
    /// <summary>Lifetime of result URLs (and of finished tasks); null = service default (1 h for PicWish/gpt.ge).</summary>
    public TimeSpan? ResultTtl { get; set; }
    /// <summary>How accepted jobs progress; null = the emulator's default walk.</summary>
    public JobWalk? Walk { get; set; }
    /// <summary>Walk the default steps by time (this long per step) instead of per poll; ignored when <see cref="Walk"/> is set.</summary>
    public TimeSpan? WalkStepDuration { get; set; }
    /// <summary>Coin balance (only emulators of services that charge coins use it); null = unlimited.</summary>
    public long? Coins { get; set; }
    public TimeProvider Time { get; set; } = TimeProvider.System;
    /// <summary>Client for callbacks and for fetching <c>image_url</c> sources; default: a plain HttpClient (targets are loopback in tests).</summary>
    public HttpClient? OutboundClient { get; set; }
}

/// <summary>
/// Base of one service emulator: owns the shared kit parts and maps the service's routes. Start it in-process with
/// <see cref="StartAsync"/> (Kestrel on 127.0.0.1, random port) or let the standalone runner start it by name.
/// </summary>
public abstract class ServiceEmulator
{
    protected ServiceEmulator(EmulatorSettings settings, PixelMaker pixels, double defaultRequestsPerSecond, TimeSpan defaultResultTtl, JobWalk defaultWalk)
    {
        Settings = settings;
        Pixels = pixels;
        Time = settings.Time;
        Walk = settings.Walk ?? (settings.WalkStepDuration is { } step ? defaultWalk with { StepDuration = step } : defaultWalk);
        RateGate = new RequestRateGate(settings.RequestsPerSecond ?? defaultRequestsPerSecond, Time);
        ResultFiles = new ResultFileStore(Time, settings.ResultTtl ?? defaultResultTtl);
        Coins = new CoinBalance(settings.Coins);
        Outbound = settings.OutboundClient ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Callbacks = new CallbackSender(Outbound);
    }

    /// <summary>Lower-case name used by the runner and in logs ("picwish").</summary>
    public abstract string Name { get; }

    public EmulatorSettings Settings { get; }
    public PixelMaker Pixels { get; }
    public TimeProvider Time { get; }
    public JobWalk Walk { get; }
    public RequestLog Log { get; } = new();
    public ErrorTriggers Triggers { get; } = new();
    public RequestRateGate RateGate { get; }
    /// <summary>Expiring result URLs. (Not called "Results": that would hide Microsoft.AspNetCore.Http.Results in handlers.)</summary>
    public ResultFileStore ResultFiles { get; }
    public CoinBalance Coins { get; }
    public CallbackSender Callbacks { get; }
    /// <summary>Plain HttpClient for fetching <c>image_url</c> sources and sending callbacks.</summary>
    public HttpClient Outbound { get; }

    /// <summary>Maps the service's own routes. Kit routes (<c>/_emulator/*</c>, <c>/_results/*</c>) are mapped by the host.</summary>
    protected internal abstract void MapRoutes(IEndpointRouteBuilder routes);

    /// <summary>Paths the rate gate counts (the API, not result downloads which come from a CDN in reality).</summary>
    protected internal virtual bool IsRateLimited(PathString path) =>
        !path.StartsWithSegments("/_emulator") && !path.StartsWithSegments(ResultFileStore.PathPrefix);

    /// <summary>The service's 429 body; the kit sets the status and Retry-After.</summary>
    protected internal virtual Task WriteRateLimitedAsync(HttpContext context, TimeSpan retryAfter) =>
        context.Response.WriteAsJsonAsync(new { status = 429, message = "Too Many Requests" });

    /// <summary>Clears log, triggers and callbacks (control endpoint <c>POST /_emulator/reset</c>).</summary>
    public virtual void Reset()
    {
        Log.Clear();
        Triggers.Clear();
        Callbacks.Clear();
    }

    public Task<EmulatorHost> StartAsync(int port = 0, bool consoleLogging = false) => EmulatorHost.StartAsync(this, port, consoleLogging);

    /// <summary>Runs the engine and maps its refusals: the emulators' pixels are real cut-outs.</summary>
    public Task<CutoutResult> CutOutAsync(byte[] image, CutoutOptions options, CancellationToken cancellationToken = default) =>
        Pixels.CutOutAsync(image, options, cancellationToken);
}
