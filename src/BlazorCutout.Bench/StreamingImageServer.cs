using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Bench;

/// <summary>
/// An image host on 127.0.0.1 for the URL-fetch bench and tests: <c>/image.png</c> is a real image, <c>/stream/{bytes}</c>
/// a body of any length that starts like a PNG and declares no length (so a limit must be enforced while reading), and
/// <c>/held/{name}</c> the image, sent only once <see cref="Release"/> is called (a fetch that stays in flight), and
/// <c>/stall</c> the start of a PNG and then nothing, until the client goes.
/// Shared as source with the web tests: the bench is an executable, not a library to reference.
/// </summary>
public sealed class StreamingImageServer : IAsyncDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;
    private long _streamed;

    private StreamingImageServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>"127.0.0.1:port", as <c>Security:UrlGuard:AllowedTestEndpoints</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{BaseUri.Port}";

    /// <summary>Requests to <c>/held/…</c> that have arrived (answered or not).</summary>
    public int HeldArrived => Volatile.Read(ref _held);

    /// <summary>Bytes of <c>/stream/…</c> bodies written so far, over all requests.</summary>
    public long Streamed => Interlocked.Read(ref _streamed);

    public Uri Url(string path) => new(BaseUri, path);

    /// <summary>Lets every held request (and every later one) have its image.</summary>
    public void Release() => _release.TrySetResult();

    public static async Task<StreamingImageServer> StartAsync(byte[] image)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new StreamingImageServer(app);
        app.MapGet("/image.png", () => Results.Bytes(image, "image/png"));
        app.MapGet("/held/{name}", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref server._held);
            await server._release.Task.WaitAsync(ctx.RequestAborted);
            ctx.Response.ContentType = "image/png";
            await ctx.Response.Body.WriteAsync(image, ctx.RequestAborted);
        });
        app.MapGet("/stall", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/png";
            await ctx.Response.Body.WriteAsync(PngSignature, ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        app.MapGet("/stream/{bytes:long}", async (long bytes, HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/png";
            var chunk = new byte[64 * 1024];
            PngSignature.CopyTo(chunk, 0);
            for (long sent = 0; sent < bytes && !ctx.RequestAborted.IsCancellationRequested;)
            {
                var n = (int)Math.Min(chunk.Length, bytes - sent);
                try
                {
                    await ctx.Response.Body.WriteAsync(chunk.AsMemory(0, n), ctx.RequestAborted);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                    return; // the client stopped reading: what a limit looks like from here
                }
                sent += n;
                Interlocked.Add(ref server._streamed, n);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
