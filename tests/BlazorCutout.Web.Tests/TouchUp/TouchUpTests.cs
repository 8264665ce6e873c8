using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Gallery;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Tasks.TouchUp;
using BlazorCutout.Web.Teams;
using BlazorCutout.Web.Tests.Support;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.TouchUp;

/// <summary>
/// The erase/restore brush's save endpoint over real HTTP and SQLite: a real cut-out by the local engine and a
/// service-style result (a scripted provider returning an opaque PNG), touched up, read back pixel by pixel.
/// </summary>
public sealed class TouchUpTests(TouchUpTests.World world) : IClassFixture<TouchUpTests.World>
{
    public sealed class World : IAsyncLifetime
    {
        public ScriptedProvider Instant { get; } = new("instant", synchronous: true);
        public ScriptedProvider Slow { get; } = new("slow");
        public TasksApp Host { get; private set; } = default!;
        public SignedInUser Admin { get; private set; } = default!;
        public SignedInUser Owner { get; private set; } = default!;
        public SignedInUser Teammate { get; private set; } = default!;
        public SignedInUser Stranger { get; private set; } = default!;
        public Guid Team { get; private set; }

        public async Task InitializeAsync()
        {
            Host = new TasksApp().WithProvider(Instant).WithProvider(Slow);
            Admin = await Host.SignInNewAdminAsync();
            Owner = await Host.SignInNewUserAsync();
            Teammate = await Host.SignInNewUserAsync();
            Stranger = await Host.SignInNewUserAsync();
            var teams = Host.Services.GetRequiredService<TeamDirectory>();
            Team = (await teams.CreateAsync(Admin.Id, "Brush team")).Id;
            foreach (var user in new[] { Owner, Teammate })
                await teams.AddMemberAsync(Admin.Id, Team, await Host.DbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Email!).SingleAsync()), TeamRole.Member);
        }

        public async Task<TaskView> FinishedAsync(string providerId, string fileName = "cat.png", JobOptions? options = null)
        {
            var id = (await Host.Tasks.SubmitAsync(Owner.Id, new NewTaskRequest(providerId, ProviderOperation.RemoveBackground, options ?? new JobOptions(),
                new IncomingImage(fileName, "image/png", TestImages.Source)))).Id;
            Assert.Equal(CutoutTaskState.Succeeded, (await Host.WaitForFinalRowAsync(id)).State);
            return (await Host.Tasks.GetAsync(Owner.Id, id))!;
        }

        public Task<int> AssetCountAsync(Guid taskId) => Host.DbAsync(db => db.Assets.CountAsync(a => a.TaskId == taskId));

        public Task DisposeAsync()
        {
            Host.Dispose();
            return Task.CompletedTask;
        }
    }

    private const int W = 451, H = 300;

    [Fact]
    public async Task A_touch_up_of_an_engine_cutout_changes_alpha_exactly_where_painted_and_keeps_the_original()
    {
        var task = await world.FinishedAsync(ProviderRegistry.DefaultProviderId, options: new JobOptions { Output = BlazorCutout.Engine.OutputKind.ImageAndMask });
        var original = Assert.Single(task.Results, r => r.Role == TaskAssetRole.Result);
        var originalMask = Assert.Single(task.Results, r => r.Role == TaskAssetRole.Mask);
        var originalBytes = await ReadAsync(world.Owner, original.DownloadUrl);
        var before = Rgba.Decode(originalBytes);
        var erase = Rect(180, 120, 60, 50);
        var restore = new[] { Rect(0, 0, 40, 40), Rect(W - 40, 0, 40, 40), Rect(0, H - 40, 40, 40), Rect(W - 40, H - 40, 40, 40) }
            .First(r => r.Average(i => before.Alpha(i)) < 30);
        Assert.True(erase.Average(i => before.Alpha(i)) > 200, "the erased block must start on the subject");

        using var response = await PostAsync(world.Owner, task.Id, original.Id, Edit(erase, restore));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var saved = (await response.Content.ReadFromJsonAsync<TaskAssetView>(Json))!;
        Assert.Equal(1, saved.Version);
        Assert.Equal("cat-cutout-edit1.png", saved.FileName);
        var after = Rgba.Decode(await ReadAsync(world.Owner, saved.Url));
        var source = Rgba.Decode(TestImages.Source);
        Assert.All(erase, i => Assert.Equal(0, after.Alpha(i)));
        Assert.All(restore, i =>
        {
            Assert.Equal(255, after.Alpha(i));
            for (var c = 0; c < 3; c++) Assert.InRange(after.Pixels[i * 4 + c] - source.Pixels[i * 4 + c], -1, 1);
        });
        var painted = erase.Concat(restore).ToHashSet();
        Assert.All(Enumerable.Range(0, W * H).Where(i => !painted.Contains(i)), i => Assert.Equal(before.Alpha(i), after.Alpha(i)));

        // The original is still stored, byte for byte, and the task now shows the new version with the original beside it.
        Assert.Equal(originalBytes, await ReadAsync(world.Owner, original.DownloadUrl));
        var view = (await world.Host.Tasks.GetAsync(world.Owner.Id, task.Id))!;
        var shown = Assert.Single(view.Results, r => r.Role == TaskAssetRole.Result);
        Assert.Equal(saved.Id, shown.Id);
        // The task's mask follows: a new mask version whose values are the new alpha; the provider's mask stays too.
        var mask = Assert.Single(view.Results, r => r.Role == TaskAssetRole.Mask);
        Assert.Equal((1, originalMask.Id, "cat-mask-edit1.png"), (mask.Version, mask.Original?.Id, mask.FileName));
        using (var maskImage = NetVips.Image.NewFromBuffer(await ReadAsync(world.Owner, mask.Url)))
        {
            var values = maskImage.ExtractBand(0).WriteToMemory();
            Assert.All(Enumerable.Range(0, W * H), i => Assert.Equal(after.Alpha(i), values[i]));
        }
        Assert.Equal(HttpStatusCode.OK, (await world.Owner.Browser.GetAsync(originalMask.DownloadUrl)).StatusCode);
        Assert.Equal(original.Id, shown.Original?.Id);
        Assert.NotEqual(original.ThumbnailUrl, shown.ThumbnailUrl);
        Assert.Equal(HttpStatusCode.OK, (await world.Owner.Browser.GetAsync(shown.ThumbnailUrl)).StatusCode);
    }

    [Fact]
    public async Task A_service_result_without_alpha_can_be_erased_and_each_save_is_a_further_version()
    {
        var task = await world.FinishedAsync("instant", "shop.png");
        var v0 = Assert.Single(task.Results);
        var erase = Rect(10, 10, 30, 30);

        using var first = await PostAsync(world.Owner, task.Id, v0.Id, Edit(erase, []));
        var v1 = (await first.Content.ReadFromJsonAsync<TaskAssetView>(Json))!;
        using var second = await PostAsync(world.Owner, task.Id, v1.Id, Edit([], erase));
        var v2 = (await second.Content.ReadFromJsonAsync<TaskAssetView>(Json))!;

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        var erased = Rgba.Decode(await ReadAsync(world.Owner, v1.Url));
        Assert.All(erase, i => Assert.Equal(0, erased.Alpha(i)));
        var restored = Rgba.Decode(await ReadAsync(world.Owner, v2.Url));
        Assert.All(erase, i => Assert.Equal(255, restored.Alpha(i)));
        Assert.Equal((2, "shop-cutout-edit2.png"), (v2.Version, v2.FileName));
        var view = (await world.Host.Tasks.GetAsync(world.Owner.Id, task.Id))!;
        Assert.Equal(v2.Id, Assert.Single(view.Results).Id);
        Assert.Equal(v0.Id, view.Results[0].Original?.Id);

        // The ZIP of results carries the newest version too.
        using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await ReadAsync(world.Owner, AssetArchive.Url([task.Id])))))
            Assert.Equal(["shop-cutout-edit2.png"], zip.Entries.Select(e => e.FullName));

        // Editing from a version that is no longer the newest is refused and stores nothing.
        var count = await world.AssetCountAsync(task.Id);
        using var stale = await PostAsync(world.Owner, task.Id, v1.Id, Edit(erase, []));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("touched up since you opened it", await stale.Content.ReadAsStringAsync());
        Assert.Equal(count, await world.AssetCountAsync(task.Id));
    }

    [Fact]
    public async Task Only_the_original_and_the_last_ten_touch_ups_are_kept_and_older_files_leave_the_store()
    {
        var task = await world.FinishedAsync("instant", "many.png");
        var v0 = Assert.Single(task.Results);
        var erase = Rect(5, 5, 10, 10);
        var saved = new List<TaskAssetView>();
        List<string> firstTwoKeys = [];
        var from = v0.Id;
        for (var i = 0; i < ResultVersions.KeptTouchUps + 2; i++)
        {
            using var response = await PostAsync(world.Owner, task.Id, from, Edit(i % 2 == 0 ? erase : [], i % 2 == 0 ? [] : erase));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            saved.Add((await response.Content.ReadFromJsonAsync<TaskAssetView>(Json))!);
            from = saved[^1].Id;
            if (i == 1)
                firstTwoKeys = await world.Host.DbAsync(db => db.Assets.Where(a => a.Id == saved[0].Id || a.Id == saved[1].Id).Select(a => a.StorageKey).ToListAsync());
        }
        Assert.Equal(2, firstTwoKeys.Count);

        // 12 saves: versions 1 and 2 are gone (rows and files), 3..12 and the original stay.
        var store = world.Host.Services.GetRequiredService<IAssetStore>();
        var keys = store.List().Select(e => e.Key).ToHashSet();
        Assert.DoesNotContain(firstTwoKeys[0], keys);
        Assert.DoesNotContain(firstTwoKeys[1], keys);
        var versions = await world.Host.DbAsync(db => db.Assets.Where(a => a.TaskId == task.Id && a.Role == TaskAssetRole.Result)
            .OrderBy(a => a.Version).Select(a => a.Version).ToListAsync());
        Assert.Equal([0, .. Enumerable.Range(3, ResultVersions.KeptTouchUps)], versions);
        foreach (var gone in saved.Take(2))
        {
            using var response = await world.Owner.Browser.GetAsync(gone.Url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        var kept = await world.Host.DbAsync(db => db.Assets.Where(a => a.TaskId == task.Id).Select(a => a.StorageKey).ToListAsync());
        Assert.All(kept, k => Assert.Contains(k, keys));
        var view = (await world.Host.Tasks.GetAsync(world.Owner.Id, task.Id))!;
        Assert.Equal(saved[^1].Id, Assert.Single(view.Results).Id);
        Assert.Equal(v0.Id, view.Results[0].Original?.Id);
    }

    [Fact]
    public async Task Only_the_owner_or_an_Admin_may_touch_up_and_only_those_who_see_the_task_learn_it_exists()
    {
        var task = await world.FinishedAsync("instant");
        var result = task.Results[0];
        var edit = Edit(Rect(0, 0, 5, 5), []);
        var count = await world.AssetCountAsync(task.Id);

        // Not shared yet: the teammate and a stranger cannot see it; no one signed in is told to sign in.
        using (var teammate = await PostAsync(world.Teammate, task.Id, result.Id, edit)) Assert.Equal(HttpStatusCode.NotFound, teammate.StatusCode);
        using (var stranger = await PostAsync(world.Stranger, task.Id, result.Id, edit)) Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        using (var anonymous = await world.Host.CreateClient(new() { AllowAutoRedirect = false }).PostAsync(TouchUpEndpoints.Url(task.Id, result.Id), Png(edit)))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // Shared: the teammate sees the result but still may not change it.
        await world.Host.Services.GetRequiredService<TeamSharing>().ShareAsync(world.Owner.Id, task.Id, world.Team);
        Assert.Equal(HttpStatusCode.OK, (await world.Teammate.Browser.GetAsync(result.Url)).StatusCode);
        using (var shared = await PostAsync(world.Teammate, task.Id, result.Id, edit))
        {
            Assert.Equal(HttpStatusCode.Forbidden, shared.StatusCode);
            Assert.Contains("Only the task's owner", await shared.Content.ReadAsStringAsync());
        }
        Assert.Equal(count, await world.AssetCountAsync(task.Id));

        // An Admin may; the team's gallery then shows the new version's thumbnail, which the teammate may fetch.
        using var admin = await PostAsync(world.Admin, task.Id, result.Id, edit);
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
        var saved = (await admin.Content.ReadFromJsonAsync<TaskAssetView>(Json))!;
        var gallery = await world.Host.Services.GetRequiredService<GalleryService>().PageAsync(world.Teammate.Id, new GalleryQuery(TeamId: world.Team));
        var item = Assert.Single(gallery.Items, i => i.TaskId == task.Id);
        Assert.Equal(TaskRecords.ThumbnailUrl(saved.Id), item.ThumbnailUrl);
        Assert.Equal(HttpStatusCode.OK, (await world.Teammate.Browser.GetAsync(item.ThumbnailUrl!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await world.Teammate.Browser.GetAsync(saved.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await world.Stranger.Browser.GetAsync(saved.Url)).StatusCode);
    }

    [Fact]
    public async Task Bad_edits_are_refused_in_our_words_and_change_nothing()
    {
        var task = await world.FinishedAsync("instant");
        var result = task.Results[0];
        var count = await world.AssetCountAsync(task.Id);

        await RefusedAsync(HttpStatusCode.BadRequest, "same size", Png(Grey(W - 1, H), W - 1, H));
        await RefusedAsync(HttpStatusCode.BadRequest, "must be a PNG", new ByteArrayContent(Jpeg()) { Headers = { ContentType = new("image/png") } });
        await RefusedAsync(HttpStatusCode.BadRequest, "not an image", new ByteArrayContent("not a picture"u8.ToArray()) { Headers = { ContentType = new("image/png") } });
        await RefusedAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type image/png", new ByteArrayContent(Edit([], [])) { Headers = { ContentType = new("text/plain") } });
        await RefusedAsync(HttpStatusCode.RequestEntityTooLarge, "cannot be accepted", new ByteArrayContent(new byte[ResultTouchUps.MaxEditBytes + 1]) { Headers = { ContentType = new("image/png") } });
        Assert.Equal(count, await world.AssetCountAsync(task.Id));

        // A task still running has no result to touch up; the source photo is not a result.
        var running = await world.Host.Tasks.SubmitAsync(world.Owner.Id, new NewTaskRequest("slow", ProviderOperation.RemoveBackground, new JobOptions(),
            new IncomingImage("wait.png", "image/png", TestImages.Source)));
        using (var unfinished = await PostAsync(world.Owner, running.Id, result.Id, Edit([], [])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unfinished.StatusCode);
            Assert.Contains("has not finished", await unfinished.Content.ReadAsStringAsync());
        }
        using (var notResult = await PostAsync(world.Owner, task.Id, task.Source.Id, Edit([], [])))
            Assert.Equal(HttpStatusCode.NotFound, notResult.StatusCode);
        Assert.Equal(count, await world.AssetCountAsync(task.Id));

        async Task RefusedAsync(HttpStatusCode status, string words, HttpContent body)
        {
            using var response = await world.Owner.Browser.Client.PostAsync(TouchUpEndpoints.Url(task.Id, result.Id), body);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(words, await response.Content.ReadAsStringAsync());
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static Task<HttpResponseMessage> PostAsync(SignedInUser user, Guid taskId, Guid resultId, byte[] png) =>
        user.Browser.Client.PostAsync(TouchUpEndpoints.Url(taskId, resultId), Png(png));

    private static ByteArrayContent Png(byte[] png) => new(png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };

    private static ByteArrayContent Png(byte[] grey, int w, int h) => Png(Encode(grey, w, h));

    private static async Task<byte[]> ReadAsync(SignedInUser user, string url)
    {
        using var response = await user.Browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static List<int> Rect(int x, int y, int w, int h) =>
        [.. from yy in Enumerable.Range(y, h) from xx in Enumerable.Range(x, w) select yy * W + xx];

    private static byte[] Grey(int w, int h) => Enumerable.Repeat((byte)128, w * h).ToArray();

    /// <summary>The edit as the browser sends it: grey 128 everywhere, 0 where erased, 255 where restored.</summary>
    private static byte[] Edit(IEnumerable<int> erase, IEnumerable<int> restore)
    {
        var grey = Grey(W, H);
        foreach (var i in erase) grey[i] = 0;
        foreach (var i in restore) grey[i] = 255;
        return Encode(grey, W, H);
    }

    private static byte[] Encode(byte[] grey, int w, int h)
    {
        using var image = NetVips.Image.NewFromMemory(grey, w, h, 1, NetVips.Enums.BandFormat.Uchar);
        return image.PngsaveBuffer();
    }

    private static byte[] Jpeg()
    {
        using var image = NetVips.Image.NewFromMemory(Grey(W, H), W, H, 1, NetVips.Enums.BandFormat.Uchar);
        return image.JpegsaveBuffer();
    }

    /// <summary>A stored image as 8-bit RGBA (opaque when it has no alpha).</summary>
    private sealed record Rgba(byte[] Pixels)
    {
        public byte Alpha(int i) => Pixels[i * 4 + 3];

        public static Rgba Decode(byte[] bytes)
        {
            using var image = NetVips.Image.NewFromBuffer(bytes);
            using var rgba = image.HasAlpha() ? image.Copy() : image.Bandjoin(255);
            Assert.Equal((W, H, 4), (rgba.Width, rgba.Height, rgba.Bands));
            return new Rgba(rgba.WriteToMemory());
        }
    }
}
