using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// One emulator served by Kestrel on 127.0.0.1 (port 0 = a free one). Pipeline: request log → rate gate (429 +
/// Retry-After) → kit routes (<c>/_emulator/*</c> control, <c>/_results/*</c> expiring files) → the service's routes.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, ServiceEmulator emulator)
    {
        _app = app;
        Emulator = emulator;
    }

    public ServiceEmulator Emulator { get; }
    /// <summary>http://127.0.0.1:port/ (with the trailing slash, so relative API paths combine as expected).</summary>
    public Uri BaseUri { get; private set; } = null!;
    public int Port => BaseUri.Port;
    /// <summary>"127.0.0.1:port", the form <c>UrlGuardOptions.AllowedTestEndpoints</c> takes.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public Uri Url(string relative) => new(BaseUri, relative.TrimStart('/'));

    public static async Task<EmulatorHost> StartAsync(ServiceEmulator emulator, int port = 0, bool consoleLogging = false)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        if (consoleLogging) builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            // Large enough to receive oversize uploads and answer them as the service does (413), not as Kestrel does.
            k.Limits.MaxRequestBodySize = 100L * 1024 * 1024;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(f => f.MultipartBodyLengthLimit = 100L * 1024 * 1024);
        builder.Services.AddRouting();

        var app = builder.Build();
        var host = new EmulatorHost(app, emulator);
        app.Use(emulator.Log.Middleware);
        app.Use(async (ctx, next) =>
        {
            if (emulator.IsRateLimited(ctx.Request.Path) && !emulator.RateGate.TryEnter(out var retryAfter))
            {
                ctx.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                RequestLog.Note(ctx, "rate-limited");
                await emulator.WriteRateLimitedAsync(ctx, retryAfter);
                return;
            }
            await next(ctx);
        });
        ControlEndpoints.Map(app, emulator);
        emulator.ResultFiles.Map(app);
        emulator.MapRoutes(app);

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return host;
    }

    /// <summary>Blocks until the host stops (standalone runner).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
