using System.Net;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Tasks.Support;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>Queue → worker → the real local engine → stored result, served to its owner.</summary>
public sealed class LocalEnginePipelineTests(LocalEnginePipelineTests.App app) : IClassFixture<LocalEnginePipelineTests.App>
{
    public sealed class App : IDisposable
    {
        public TasksApp Host { get; } = new();
        public void Dispose() => Host.Dispose();
    }

    [Fact]
    public async Task A_queued_cutout_runs_on_the_local_engine_and_its_result_is_served_to_the_owner()
    {
        var user = await app.Host.SignInNewUserAsync();
        using var events = new TaskEventLog(app.Host.Events, user.Id);

        var queued = await app.Host.Tasks.SubmitAsync(user.Id, new NewTaskRequest(
            ProviderRegistry.DefaultProviderId, ProviderOperation.RemoveBackground, new JobOptions(),
            new IncomingImage("My Cat.png", "image/png", TestImages.Source)));
        Assert.Equal(CutoutTaskState.Queued, queued.State);
        Assert.Equal(451, queued.Source.Width);

        var final = await events.WaitForFinalAsync(queued.Id);
        Assert.Equal(CutoutTaskState.Succeeded, final.State);
        var changes = events.For(queued.Id).ToList();
        // The engine's stages arrive as more Submitting events (it works inside the submission): the path is the same.
        var states = changes.Select(e => e.State).Where((s, i) => i == 0 || s != changes[i - 1].State).ToList();
        Assert.Equal([CutoutTaskState.Queued, CutoutTaskState.Submitting, CutoutTaskState.Downloading, CutoutTaskState.Succeeded], states);

        // True progress: after the submission starts (no percentage yet), the engine's stages move it, upwards only,
        // below 100, a handful of writes (one per stage at most), never one per row.
        var running = changes.Where(e => e.State == CutoutTaskState.Submitting).Select(e => e.Progress).ToList();
        Assert.Null(running[0]);
        var percents = running.Skip(1).Select(p => p ?? -1).ToList();
        Assert.True(percents.Count >= 2, $"the bar moved only through {string.Join(", ", running)}");
        Assert.All(percents, p => Assert.InRange(p, 1, 99));
        Assert.Equal(percents.Order().Distinct(), percents);
        Assert.InRange(percents.Count, 2, Enum.GetValues<BlazorCutout.Engine.CutoutStage>().Length);
        Assert.Equal(100, changes[^1].Progress);

        var task = await app.Host.Tasks.GetAsync(user.Id, queued.Id);
        Assert.NotNull(task);
        Assert.Equal(CutoutTaskState.Succeeded, task.State);
        Assert.NotNull(task.SubmittedAt);
        Assert.NotNull(task.CompletedAt);
        Assert.NotNull(task.ProcessingTime);
        Assert.Equal(0m, task.Cost);
        var result = Assert.Single(task.Results);
        Assert.Equal(TaskAssetRole.Result, result.Role);
        Assert.Equal("image/png", result.ContentType);
        Assert.Equal("My Cat-cutout.png", result.FileName);
        Assert.Equal((451, 300), (result.Width, result.Height));
        Assert.Single(await app.Host.CostEntriesAsync(queued.Id));

        // Inline, with a strong ETag and private caching.
        using var inline = await user.Browser.GetAsync(result.Url);
        Assert.Equal(HttpStatusCode.OK, inline.StatusCode);
        Assert.Equal("image/png", inline.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", inline.Content.Headers.ContentDisposition?.DispositionType ?? ContentDispositionOf(inline));
        Assert.Contains("private", inline.Headers.CacheControl?.ToString());
        var etag = inline.Headers.ETag;
        Assert.NotNull(etag);
        var png = await inline.Content.ReadAsByteArrayAsync();
        Assert.Equal(result.Bytes, png.Length);
        Assert.Equal(0x89, png[0]);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, result.Url);
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await user.Browser.Client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var download = await user.Browser.GetAsync(result.DownloadUrl);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("My Cat-cutout.png", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        // The thumbnail: made by the engine (WebP, alpha kept), long side <= BlazorCutout:Tasks:ThumbnailSize (320), much
        // smaller than the result, generated once and then served from the thumbnail cache.
        using var thumbnail = await user.Browser.GetAsync(result.ThumbnailUrl);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        var thumb = await thumbnail.Content.ReadAsByteArrayAsync();
        Assert.True(thumb.Length < png.Length, $"thumbnail {thumb.Length} bytes, original {png.Length}");
        var (tw, th, alpha) = WebpHeader(thumb);
        Assert.Equal(320, tw); // 451x300 scaled to a 320 px long side
        Assert.InRange(th, 212, 213);
        Assert.True(alpha, "the cut-out's transparency is kept");
        var cached = Directory.GetFiles(Path.Combine(app.Host.DataDirectory, "thumbnails"), "*-320.webp", SearchOption.AllDirectories);
        Assert.Equal(thumb, await File.ReadAllBytesAsync(Assert.Single(cached)));
        using var again = await user.Browser.GetAsync(result.ThumbnailUrl);
        Assert.Equal(thumb, await again.Content.ReadAsByteArrayAsync());

        using var source = await user.Browser.GetAsync(task.Source.Url);
        Assert.Equal(HttpStatusCode.OK, source.StatusCode);
        Assert.Equal(TestImages.Source, await source.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Deleting_a_task_removes_its_kept_thumbnails_once_no_other_image_has_the_same_content()
    {
        await using var host = new TasksApp();
        var user = await host.SignInNewUserAsync();
        using var events = new TaskEventLog(host.Events, user.Id);
        NewTaskRequest Upload(string name) => new("local", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage(name, null, TestImages.Source));
        var first = (await host.Tasks.SubmitAsync(user.Id, Upload("a.png"))).Id;
        var second = (await host.Tasks.SubmitAsync(user.Id, Upload("b.png"))).Id; // the same bytes: same source and result content
        Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(first)).State);
        Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(second)).State);
        var view = (await host.Tasks.GetAsync(user.Id, first))!;
        foreach (var url in new[] { view.Source.ThumbnailUrl, view.Results[0].ThumbnailUrl })
        {
            using var response = await user.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        string[] Kept() => Directory.GetFiles(Path.Combine(host.DataDirectory, "thumbnails"), "*.webp", SearchOption.AllDirectories);
        Assert.Equal(2, Kept().Length);

        Assert.True(await host.Tasks.DeleteAsync(user.Id, first));
        Assert.Equal(2, Kept().Length); // the second task still shows the same images

        Assert.True(await host.Tasks.DeleteAsync(user.Id, second));
        Assert.Empty(Kept());
    }

    [Fact]
    public async Task The_history_query_lists_the_owners_tasks_newest_first_with_filters()
    {
        var userId = await app.Host.CreateUserAsync();
        var first = await app.Host.Tasks.SubmitAsync(userId, new NewTaskRequest("local", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("a.png", null, TestImages.Source)));
        var second = await app.Host.Tasks.SubmitAsync(userId, new NewTaskRequest("local", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("b.png", null, TestImages.Source)));

        var page = await app.Host.Tasks.QueryAsync(userId, new TaskQuery(Take: 10));
        Assert.Equal(2, page.Total);
        Assert.Equal([second.Id, first.Id], page.Items.Select(t => t.Id));

        var none = await app.Host.Tasks.QueryAsync(userId, new TaskQuery(ProviderId: "someone-else"));
        Assert.Equal(0, none.Total);
        // Creation times are bounded from (inclusive) before (exclusive).
        Assert.Equal(2, (await app.Host.Tasks.QueryAsync(userId, new TaskQuery(CreatedFrom: first.CreatedAt))).Total);
        Assert.Equal(0, (await app.Host.Tasks.QueryAsync(userId, new TaskQuery(CreatedFrom: first.CreatedAt, CreatedBefore: first.CreatedAt))).Total);
        Assert.Equal(0, (await app.Host.Tasks.QueryAsync(userId, new TaskQuery(CreatedFrom: second.CreatedAt.AddTicks(1)))).Total);
    }

    private static string? ContentDispositionOf(HttpResponseMessage response) =>
        response.Content.Headers.TryGetValues("Content-Disposition", out var v) ? v.First().Split(';')[0] : null;

    /// <summary>Canvas size and alpha flag of an extended (VP8X) WebP, which is what libwebp writes for an image with alpha.</summary>
    private static (int Width, int Height, bool Alpha) WebpHeader(byte[] webp)
    {
        Assert.True(webp.Length > 30 && webp.AsSpan(0, 4).SequenceEqual("RIFF"u8) && webp.AsSpan(8, 4).SequenceEqual("WEBP"u8), "not a WebP");
        Assert.True(webp.AsSpan(12, 4).SequenceEqual("VP8X"u8), "not an extended WebP (no alpha)");
        int w = 1 + (webp[24] | webp[25] << 8 | webp[26] << 16), h = 1 + (webp[27] | webp[28] << 8 | webp[29] << 16);
        return (w, h, (webp[20] & 0x10) != 0);
    }
}
