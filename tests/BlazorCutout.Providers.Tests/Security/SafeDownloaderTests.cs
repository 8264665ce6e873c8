using System.Net;
using BlazorCutout.Providers.Security;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace BlazorCutout.Providers.Tests.Security;

/// <summary>
/// Real HTTP against Kestrel on 127.0.0.1. Only the server's exact endpoint is allowed (AllowedTestEndpoints), so every
/// redirect elsewhere — other loopback ports, private, metadata — meets the production rules.
/// </summary>
public sealed class SafeDownloaderTests : IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
    private LoopbackServer _server = null!;
    private LoopbackServer _other = null!;

    public async Task InitializeAsync()
    {
        _other = await LoopbackServer.StartAsync(app => app.MapGet("/secret", () => "internal admin page"));
        _server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/image.png", () => Results.Bytes(Png, "image/png"));
            app.MapGet("/untyped", () => Results.Bytes(Png, "application/octet-stream"));
            app.MapGet("/big", () => Results.Bytes(new byte[5000], "image/png"));
            app.MapGet("/big-chunked", async (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "image/png"; // no Content-Length: the limit must be enforced while reading
                for (var i = 0; i < 10; i++)
                {
                    await ctx.Response.Body.WriteAsync(new byte[1000]);
                    await ctx.Response.Body.FlushAsync();
                }
            });
            app.MapGet("/missing", () => Results.NotFound());
            app.MapGet("/broken", () => Results.StatusCode(503));
            app.MapGet("/stall", async (HttpContext ctx) => await Task.Delay(Timeout.Infinite, ctx.RequestAborted));
            app.MapGet("/stall-body", async (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "image/png";
                await ctx.Response.Body.WriteAsync(Png);
                await ctx.Response.Body.FlushAsync();
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            });
            app.MapGet("/hop", () => Results.Redirect("/image.png"));
            app.MapGet("/loop", () => Results.Redirect("/loop"));
            app.MapGet("/to", (string target) => Results.Redirect(target));
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _other.DisposeAsync();
        if (Directory.Exists(_files)) Directory.Delete(_files, recursive: true);
    }

    private readonly string _files = Path.Combine(Path.GetTempPath(), "blazorcutout-tests", "fetch-" + Guid.NewGuid().ToString("N"));

    /// <summary>Records every report at once (<see cref="Progress{T}"/> would post them later).</summary>
    private sealed class BytesRead : IProgress<long>
    {
        public long Max { get; private set; }
        public void Report(long value) => Max = Math.Max(Max, value);
    }

    private SafeDownloader Downloader(Action<UrlGuardOptions>? configure = null, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        var options = new UrlGuardOptions { AllowHttp = true, AllowNonDefaultPorts = true, AllowedTestEndpoints = [_server.Endpoint] };
        configure?.Invoke(options);
        return new SafeDownloader(new SafeHttpHandlerFactory(new UrlGuard(options, resolve)));
    }

    private Uri RedirectTo(string target) => _server.Url("/to?target=" + Uri.EscapeDataString(target));

    [Fact]
    public async Task Downloads_from_an_allowed_endpoint()
    {
        using var d = Downloader();
        var content = await d.DownloadAsync(_server.Url("/image.png"), 1000, CancellationToken.None);
        Assert.Equal(Png, content.Bytes);
        Assert.Equal("image/png", content.ContentType);
    }

    [Fact]
    public async Task Sniffs_the_type_when_the_server_says_octet_stream()
    {
        using var d = Downloader();
        Assert.Equal("image/png", (await d.DownloadAsync(_server.Url("/untyped"), 1000, CancellationToken.None)).ContentType);
    }

    [Fact]
    public async Task Follows_a_redirect_within_the_allowed_endpoint()
    {
        using var d = Downloader();
        Assert.Equal(Png, (await d.DownloadAsync(_server.Url("/hop"), 1000, CancellationToken.None)).Bytes);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", AddressCategory.CloudMetadata)]
    [InlineData("http://10.0.0.1/", AddressCategory.Private)]
    [InlineData("http://192.168.1.1/admin", AddressCategory.Private)]
    [InlineData("http://[::1]/", AddressCategory.Loopback)]
    [InlineData("http://[::ffff:127.0.0.1]/", AddressCategory.Loopback)]
    [InlineData("http://2130706433/", AddressCategory.Loopback)]
    [InlineData("http://[fd00:ec2::254]/", AddressCategory.CloudMetadata)]
    public async Task Refuses_a_redirect_to_a_forbidden_address(string target, AddressCategory category)
    {
        using var d = Downloader();
        var e = await Assert.ThrowsAsync<UrlRefusedException>(() => d.DownloadAsync(RedirectTo(target), 1000, CancellationToken.None));
        Assert.Equal(UrlRefusal.ForbiddenAddress, e.Refusal);
        Assert.Equal(category, e.Category);
    }

    [Fact]
    public async Task Refuses_a_redirect_to_another_loopback_port_by_literal_or_by_name()
    {
        using var d = Downloader();
        foreach (var target in new[] { $"http://127.0.0.1:{_other.Port}/secret", $"http://localhost:{_other.Port}/secret" })
        {
            var e = await Assert.ThrowsAsync<UrlRefusedException>(() => d.DownloadAsync(RedirectTo(target), 1000, CancellationToken.None));
            Assert.Equal(AddressCategory.Loopback, e.Category);
        }
        Assert.Equal(0, _other.Hits("/secret"));
    }

    [Theory]
    [InlineData("file:///etc/passwd", UrlRefusal.SchemeNotAllowed)]
    [InlineData("ftp://example.com/a.png", UrlRefusal.SchemeNotAllowed)]
    [InlineData("http://user:pw@example.com/a.png", UrlRefusal.UserInfo)]
    public async Task Refuses_a_redirect_with_a_bad_shape(string target, UrlRefusal refusal)
    {
        using var d = Downloader();
        var e = await Assert.ThrowsAsync<UrlRefusedException>(() => d.DownloadAsync(RedirectTo(target), 1000, CancellationToken.None));
        Assert.Equal(refusal, e.Refusal);
    }

    [Fact]
    public async Task Refuses_https_downgrade_when_http_is_not_allowed()
    {
        // First hop is the allowed http test endpoint only because AllowHttp is on; switch it off and even that is refused.
        using var d = Downloader(o => o.AllowHttp = false);
        var e = await Assert.ThrowsAsync<UrlRefusedException>(() => d.DownloadAsync(_server.Url("/image.png"), 1000, CancellationToken.None));
        Assert.Equal(UrlRefusal.SchemeNotAllowed, e.Refusal);
        Assert.Equal(0, _server.Hits("/image.png"));
    }

    [Fact]
    public async Task Stops_after_too_many_redirects()
    {
        using var d = Downloader(o => o.MaxRedirects = 2);
        var e = await Assert.ThrowsAsync<UrlRefusedException>(() => d.DownloadAsync(_server.Url("/loop"), 1000, CancellationToken.None));
        Assert.Equal(UrlRefusal.TooManyRedirects, e.Refusal);
        Assert.Equal(3, _server.Hits("/loop"));
    }

    [Fact]
    public async Task Dns_answer_is_checked_at_connect_time()
    {
        // The static check cannot see through a name; the connect callback resolves (here: a fake resolver) and refuses.
        using var d = Downloader(resolve: (_, _) => Task.FromResult(new[] { IPAddress.Parse("127.0.0.2") }));
        var e = await Assert.ThrowsAsync<UrlRefusedException>(() =>
            d.DownloadAsync(new Uri($"http://rebind.example:{_server.Port}/image.png"), 1000, CancellationToken.None));
        Assert.Equal(AddressCategory.Loopback, e.Category);
        Assert.Contains("rebind.example (127.0.0.2)", e.Message);
    }

    [Fact]
    public async Task Connection_goes_to_the_address_that_was_checked()
    {
        // "emulator.example" exists only in our resolver: if the handler resolved the name itself, this would fail.
        var resolved = 0;
        using var d = Downloader(resolve: (_, _) => { Interlocked.Increment(ref resolved); return Task.FromResult(new[] { IPAddress.Loopback }); });
        var content = await d.DownloadAsync(new Uri($"http://emulator.example:{_server.Port}/image.png"), 1000, CancellationToken.None);
        Assert.Equal(Png, content.Bytes);
        Assert.Equal(1, resolved);
    }

    [Fact]
    public async Task Refuses_a_declared_size_over_the_limit()
    {
        using var d = Downloader();
        var e = await Assert.ThrowsAsync<ProviderException>(() => d.DownloadAsync(_server.Url("/big"), 4000, CancellationToken.None));
        Assert.Equal(ProviderErrorCode.DownloadTooLarge, e.Code);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task Stops_reading_an_undeclared_body_past_the_limit()
    {
        using var d = Downloader();
        var e = await Assert.ThrowsAsync<ProviderException>(() => d.DownloadAsync(_server.Url("/big-chunked"), 4000, CancellationToken.None));
        Assert.Equal(ProviderErrorCode.DownloadTooLarge, e.Code);
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public async Task Gives_up_after_the_time_limit()
    {
        using var d = Downloader(o => o.DownloadTimeout = TimeSpan.FromMilliseconds(300));
        var e = await Assert.ThrowsAsync<ProviderException>(() => d.DownloadAsync(_server.Url("/stall"), 1000, CancellationToken.None));
        Assert.Equal(ProviderErrorCode.Timeout, e.Code);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_timeout()
    {
        using var d = Downloader();
        using var cts = new CancellationTokenSource();
        var download = d.DownloadAsync(_server.Url("/stall"), 1000, cts.Token);
        await Eventually.TrueAsync(() => _server.Hits("/stall") == 1, "request reached the server");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
    }

    [Theory]
    [InlineData("/missing", ProviderErrorCode.NotFound, false)]
    [InlineData("/broken", ProviderErrorCode.ServerError, true)]
    public async Task Maps_error_statuses(string path, ProviderErrorCode code, bool transient)
    {
        using var d = Downloader();
        var e = await Assert.ThrowsAsync<ProviderException>(() => d.DownloadAsync(_server.Url(path), 1000, CancellationToken.None));
        Assert.Equal(code, e.Code);
        Assert.Equal(transient, e.IsTransient);
    }

    [Fact]
    public async Task Streams_to_a_temporary_file_that_goes_on_dispose()
    {
        using var d = Downloader();
        string path;
        await using (var file = await d.DownloadToFileAsync(_server.Url("/untyped"), 1000, _files, null, CancellationToken.None))
        {
            path = file.Path;
            Assert.StartsWith(_files, path);
            Assert.True(File.Exists(path));
            Assert.Equal(Png.Length, file.Length);
            Assert.Equal("image/png", file.ContentType); // sniffed from the file, the server said octet-stream
            Assert.Equal(Png, await file.ReadAllBytesAsync(CancellationToken.None));
        }
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_files));
    }

    [Fact]
    public async Task Stops_writing_an_undeclared_body_one_byte_past_the_limit_and_leaves_no_file()
    {
        using var d = Downloader();
        var read = new BytesRead();
        var e = await Assert.ThrowsAsync<ProviderException>(() => d.DownloadToFileAsync(_server.Url("/big-chunked"), 4000, _files, read, CancellationToken.None));
        Assert.Equal(ProviderErrorCode.DownloadTooLarge, e.Code);
        Assert.Contains("limit", e.Message);
        Assert.Equal(4001, read.Max); // the body is 10,000 bytes
        Assert.Empty(Directory.GetFiles(_files));
    }

    [Fact]
    public async Task A_declared_size_over_the_limit_is_refused_before_a_file_is_made()
    {
        using var d = Downloader();
        var read = new BytesRead();
        var e = await Assert.ThrowsAsync<ProviderException>(() => d.DownloadToFileAsync(_server.Url("/big"), 4000, _files, read, CancellationToken.None));
        Assert.Equal(ProviderErrorCode.DownloadTooLarge, e.Code);
        Assert.Equal(0, read.Max);
        Assert.False(Directory.Exists(_files) && Directory.GetFiles(_files).Length > 0);
    }

    [Fact]
    public async Task Cancelling_mid_body_deletes_the_file_being_written()
    {
        using var d = Downloader();
        using var cts = new CancellationTokenSource();
        var read = new BytesRead();
        var download = d.DownloadToFileAsync(_server.Url("/stall-body"), 1000, _files, read, cts.Token);
        await Eventually.TrueAsync(() => read.Max == Png.Length && Directory.Exists(_files) && Directory.GetFiles(_files).Length == 1, "the first bytes are in a file");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.Empty(Directory.GetFiles(_files));
    }

    [Fact]
    public void Stale_temporary_files_are_swept_and_fresh_ones_kept()
    {
        Directory.CreateDirectory(_files);
        var stale = Path.Combine(_files, "fetch-old" + DownloadedFile.Extension);
        var fresh = Path.Combine(_files, "fetch-new" + DownloadedFile.Extension);
        var other = Path.Combine(_files, "keep.png");
        foreach (var f in new[] { stale, fresh, other }) File.WriteAllBytes(f, Png);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddHours(-2));

        Assert.Equal(1, DownloadedFile.DeleteStale(_files, TimeSpan.FromHours(1)));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(other));
    }
}
