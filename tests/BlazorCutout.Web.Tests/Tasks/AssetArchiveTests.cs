using System.IO.Compression;
using System.Net;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Tests.Tasks.Support;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>
/// <c>/assets/zip</c>: the caller's results in one ZIP, with the stored bytes under readable, unique names; nothing of
/// anyone else's, and no hint that it exists.
/// </summary>
public sealed class AssetArchiveTests(AssetArchiveTests.App app) : IClassFixture<AssetArchiveTests.App>
{
    private static readonly byte[][] BatchImages =
    [
        File.ReadAllBytes(RepoPaths.TestImage("chelsea.png")),
        File.ReadAllBytes(RepoPaths.TestImage("coffee.png")),
        File.ReadAllBytes(RepoPaths.TestImage("astronaut.png")),
    ];

    public sealed class App : IDisposable
    {
        public ScriptedProvider Instant { get; } = new("instant", synchronous: true);
        /// <summary>Three images and a mask at once, like a generated-background batch with a mask beside it.</summary>
        public ScriptedProvider Batch { get; } = new("batch", synchronous: true);
        /// <summary>Accepts and never finishes.</summary>
        public ScriptedProvider Endless { get; } = new("endless");
        public TasksApp Host { get; }

        public App()
        {
            Batch.OnSubmit = (_, _, _) => Task.FromResult<ProviderSubmission>(new ProviderSubmission.Completed(new ProviderPoll.Done(
                [
                    .. BatchImages.Select((bytes, i) => new ResultReference.Inline(ResultRole.Image, i, bytes, "image/png")),
                    new ResultReference.Inline(ResultRole.Mask, 0, TestImages.Result, "image/png"),
                ])));
            Host = new TasksApp().WithProvider(Instant).WithProvider(Batch).WithProvider(Endless);
            // The install has its Admin, who may see every task; the tests' users are members.
            Host.SignInNewAdminAsync().GetAwaiter().GetResult();
        }

        public void Dispose() => Host.Dispose();
    }

    [Fact]
    public async Task The_owner_gets_the_stored_results_stored_uncompressed_under_their_download_names_made_unique()
    {
        var owner = await app.Host.SignInNewUserAsync();
        var first = await SucceedAsync(owner.Id, "chelsea.png");
        var second = await SucceedAsync(owner.Id, "chelsea.png"); // the same photo again: the same download name
        var third = await SucceedAsync(owner.Id, "coffee.png");

        using var response = await owner.Browser.GetAsync(AssetArchive.Url([first.Id, second.Id, third.Id]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("blazorcutout-3-images.zip", response.Content.Headers.ContentDisposition?.FileName);
        using var zip = await OpenZipAsync(response);
        Assert.Equal(["chelsea-cutout.png", "chelsea-cutout (2).png", "coffee-cutout.png"], zip.Entries.Select(e => e.FullName));
        Assert.Equal("chelsea-cutout.png", first.Results.Single().FileName);
        foreach (var (entry, task) in zip.Entries.Zip([first, second, third]))
        {
            Assert.Equal(await DownloadAsync(owner, task.Results.Single()), await ReadAsync(entry));
            Assert.Equal(entry.Length, entry.CompressedLength); // stored, not deflated
        }
    }

    [Fact]
    public async Task A_task_with_several_results_gives_all_its_images_in_order_and_leaves_its_mask_out()
    {
        var owner = await app.Host.SignInNewUserAsync();
        var batch = await SucceedAsync(owner.Id, "beach.png", "batch");
        Assert.Equal(4, batch.Results.Count); // three images and the mask were stored

        using var response = await owner.Browser.GetAsync(AssetArchive.Url([batch.Id]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("blazorcutout-3-images.zip", response.Content.Headers.ContentDisposition?.FileName);
        using var zip = await OpenZipAsync(response);
        Assert.Equal(["beach-cutout-1.png", "beach-cutout-2.png", "beach-cutout-3.png"], zip.Entries.Select(e => e.FullName));
        for (var i = 0; i < BatchImages.Length; i++)
            Assert.Equal(BatchImages[i], await ReadAsync(zip.Entries[i]));
    }

    [Fact]
    public async Task Another_users_unknown_and_unfinished_tasks_are_skipped_and_alone_give_404()
    {
        var owner = await app.Host.SignInNewUserAsync();
        var other = await app.Host.SignInNewUserAsync();
        var mine = await SucceedAsync(owner.Id, "mine.png");
        var theirs = await SucceedAsync(other.Id, "theirs.png");
        var running = await app.Host.Tasks.SubmitAsync(owner.Id, Request("running.png", "endless"));
        var unknown = Guid.NewGuid();

        using (var response = await owner.Browser.GetAsync(AssetArchive.Url([theirs.Id, unknown, running.Id, mine.Id])))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("blazorcutout-1-images.zip", response.Content.Headers.ContentDisposition?.FileName);
            using var zip = await OpenZipAsync(response);
            Assert.Equal(["mine-cutout.png"], zip.Entries.Select(e => e.FullName));
        }

        // Someone else's task answers exactly like one that does not exist.
        foreach (var ids in new[] { [theirs.Id], [unknown], [running.Id], new[] { theirs.Id, unknown } })
        {
            using var response = await owner.Browser.GetAsync(AssetArchive.Url(ids));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Null(response.Content.Headers.ContentDisposition);
        }

        using var theirOwn = await other.Browser.GetAsync(AssetArchive.Url([theirs.Id, mine.Id]));
        using (var zip = await OpenZipAsync(theirOwn))
            Assert.Equal(["theirs-cutout.png"], zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task A_caller_who_is_not_signed_in_gets_401_without_a_redirect_or_a_body()
    {
        var owner = await app.Host.SignInNewUserAsync();
        var mine = await SucceedAsync(owner.Id, "mine.png");
        using var anonymous = app.Host.CreateClient(new() { AllowAutoRedirect = false });

        foreach (var ids in new[] { [mine.Id], new[] { Guid.NewGuid() } })
        {
            using var response = await anonymous.GetAsync(AssetArchive.Url(ids));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task More_than_the_limit_no_ids_or_a_malformed_id_is_a_400_that_says_why()
    {
        var owner = await app.Host.SignInNewUserAsync();
        var mine = await SucceedAsync(owner.Id, "mine.png");
        var tooMany = Enumerable.Range(0, AssetArchive.MaxTasks).Select(_ => Guid.NewGuid()).Append(mine.Id).ToList();

        var cases = new Dictionary<string, string>
        {
            [AssetArchive.Url(tooMany)] = $"At most {AssetArchive.MaxTasks} tasks",
            [AssetArchive.Route] = "at least one task",
            [AssetArchive.Route + "?tasks=,,"] = "at least one task",
            [AssetArchive.Url([mine.Id]) + ",not-an-id"] = "“not-an-id” is not a task id",
        };
        foreach (var (url, reason) in cases)
        {
            using var response = await owner.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        }

        // Exactly the limit is fine, and the same id twice counts once.
        var atLimit = tooMany.Skip(1).ToList();
        using var fine = await owner.Browser.GetAsync(AssetArchive.Url(atLimit.Append(mine.Id)));
        using (var zip = await OpenZipAsync(fine))
            Assert.Single(zip.Entries);
    }

    private static NewTaskRequest Request(string fileName, string providerId = "instant") =>
        new(providerId, ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage(fileName, "image/png", TestImages.Source));

    private async Task<TaskView> SucceedAsync(string userId, string fileName, string providerId = "instant")
    {
        using var events = new TaskEventLog(app.Host.Events, userId);
        var id = (await app.Host.Tasks.SubmitAsync(userId, Request(fileName, providerId))).Id;
        Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(id)).State);
        return (await app.Host.Tasks.GetAsync(userId, id))!;
    }

    private static async Task<ZipArchive> OpenZipAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
    }

    private static async Task<byte[]> ReadAsync(ZipArchiveEntry entry)
    {
        await using var stream = entry.Open();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<byte[]> DownloadAsync(SignedInUser user, TaskAssetView asset)
    {
        using var response = await user.Browser.GetAsync(asset.DownloadUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
