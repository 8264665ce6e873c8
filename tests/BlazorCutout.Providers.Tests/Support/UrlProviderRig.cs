using System.Buffers.Binary;
using System.IO.Compression;
using BlazorCutout.Emulators.Kit;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Providers.Tests.Support;

/// <summary>
/// What the URL-only provider tests (HitPaw, Tengr) share: an emulator on loopback, a loopback "public base URL" server
/// that serves the source image (what the emulated service fetches), a URL guard that allows exactly those two endpoints
/// (plus http, since loopback test servers have no certificate), the provider HTTP factory, and captured logs.
/// </summary>
public sealed class UrlProviderRig : IAsyncDisposable
{
    public const string Key = "sk-test-5e3cr3t-k3y-0123456789abcdef";
    public static readonly byte[] SourcePng = Backgrounds.SubjectPhoto(160, 120);

    private readonly List<IAsyncDisposable> _owned = [];

    private UrlProviderRig(EmulatorHost emulator, LoopbackServer source, UrlGuardOptions guardOptions)
    {
        Emulator = emulator;
        Source = source;
        GuardOptions = guardOptions;
        Handlers = new SafeHttpHandlerFactory(new UrlGuard(guardOptions));
        Http = new ProviderHttpClientFactory(Handlers, Logs);
        Downloader = new SafeDownloader(Handlers, Logs.CreateLogger<SafeDownloader>());
    }

    public EmulatorHost Emulator { get; }
    /// <summary>Stands in for BlazorCutout's public base URL: serves the source under /s/{anything}.</summary>
    public LoopbackServer Source { get; }
    public UrlGuardOptions GuardOptions { get; }
    public SafeHttpHandlerFactory Handlers { get; }
    public ProviderHttpClientFactory Http { get; }
    public SafeDownloader Downloader { get; }
    public CapturingLoggerProvider Logs { get; } = new();

    public RequestLog Requests => Emulator.Emulator.Log;

    public static async Task<UrlProviderRig> StartAsync(ServiceEmulator emulator, params string[] extraAllowedEndpoints)
    {
        var host = await emulator.StartAsync();
        var source = await LoopbackServer.StartAsync(app =>
            app.MapGet("/s/{**rest}", () => Results.Bytes(SourcePng, "image/png")));
        var guard = new UrlGuardOptions
        {
            AllowHttp = true, // loopback servers speak plain http; the endpoint allowance below stays narrow
            AllowedTestEndpoints = [host.Endpoint, source.Endpoint, .. extraAllowedEndpoints],
        };
        return new UrlProviderRig(host, source, guard);
    }

    /// <summary>A signed-looking public URL of the source; <paramref name="name"/> may carry an emulate[…] trigger.</summary>
    public Uri SourceUrl(string name = "photo.png") => Source.Url($"s/{Uri.EscapeDataString(name)}?sig=abc123&exp=9999999999");

    public void Own(IAsyncDisposable d) => _owned.Add(d);

    /// <summary>Aims a client's options at this rig: the emulator, the test key, the source server as the public base URL, a fast pace.</summary>
    public TOptions Aim<TOptions>(TOptions options) where TOptions : RemoteProviderOptions
    {
        options.PublicBaseUrl = Source.BaseUri;
        return options.AimAt(Emulator.BaseUri, Key, requestsPerSecond: 50, poll: TimeSpan.FromMilliseconds(10));
    }

    /// <summary>
    /// What the worker does after Accepted: poll with the descriptor's cadence until Done or Failed. A transient
    /// <see cref="ProviderException"/> (429 past the in-process retries) reschedules the poll after its RetryAfter, as the
    /// worker does; a permanent one fails the task (the exception escapes).
    /// </summary>
    public static async Task<(ProviderPoll Final, int Polls, bool SawProgress)> PollToEndAsync(ICutoutProvider provider, string taskId, TimeSpan? giveUpAfter = null)
    {
        var sawProgress = false;
        // A wall-clock bound, generous on purpose: the emulators make real cutouts through one shared engine, and on a
        // loaded 2-core machine a job can wait several seconds for it. A poll count would be a hidden time limit.
        var deadline = DateTime.UtcNow + (giveUpAfter ?? TimeSpan.FromMinutes(3));
        for (var n = 0; DateTime.UtcNow < deadline; n++)
        {
            await Task.Delay(provider.Descriptor.Polling.DelayBefore(n));
            ProviderPoll poll;
            try
            {
                poll = await provider.PollAsync(taskId, CancellationToken.None);
            }
            catch (ProviderException e) when (e.IsTransient)
            {
                await Task.Delay(e.RetryAfter ?? TimeSpan.FromMilliseconds(200));
                continue;
            }
            if (poll is ProviderPoll.Progress) { sawProgress = true; continue; }
            return (poll, n + 1, sawProgress);
        }
        throw new TimeoutException($"task {taskId} never finished within {giveUpAfter ?? TimeSpan.FromMinutes(3)}");
    }

    /// <summary>Submission as the worker does it: a transient refusal that certainly was not accepted (429) is retried later.</summary>
    public static async Task<ProviderSubmission.Accepted> SubmitLikeWorkerAsync(ICutoutProvider provider, ProviderJob job)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (ProviderSubmission.Accepted)await provider.SubmitAsync(job, CancellationToken.None);
            }
            catch (ProviderException e) when (e.Code == ProviderErrorCode.RateLimited && attempt < 20)
            {
                await Task.Delay(e.RetryAfter ?? TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _owned) await d.DisposeAsync();
        Downloader.Dispose();
        await Http.DisposeAsync();
        await Source.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>A real PNG decode (chunks, CRC-free inflate of IDAT, scanline count) — proof a result is an image, not just bytes.</summary>
public static class PngDecode
{
    public sealed record Info(int Width, int Height, int Channels);

    public static Info Decode(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("not a PNG");
        int width = 0, height = 0, channels = 0, bitDepth = 0;
        using var idat = new MemoryStream();
        var offset = 8;
        while (offset + 8 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    channels = data[9] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new InvalidDataException("colour type") };
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            offset += 12 + length;
            if (type == "IEND") break;
        }
        if (width <= 0 || height <= 0) throw new InvalidDataException("no IHDR");
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var rowBytes = 1 + (width * channels * bitDepth + 7) / 8;
        if (raw.Length != (long)rowBytes * height) throw new InvalidDataException($"pixel data is {raw.Length} bytes, expected {rowBytes * height}");
        return new Info(width, height, channels);
    }
}
