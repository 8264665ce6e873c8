using System.Net;
using System.Security.Cryptography;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>Stored files and thumbnails that no asset row holds are removed once older than the grace; nothing else is.</summary>
public sealed class OrphanFileSweepTests
{
    [Fact]
    public async Task A_sweep_removes_what_no_asset_holds_once_older_than_the_grace_and_keeps_the_rest()
    {
        var instant = new ScriptedProvider("instant", synchronous: true);
        using var host = new TasksApp().WithProvider(instant);
        var owner = await host.SignInNewUserAsync();
        using var events = new TaskEventLog(host.Events, owner.Id);
        var task = await host.Tasks.SubmitAsync(owner.Id, new NewTaskRequest("instant", ProviderOperation.RemoveBackground, new JobOptions(),
            new IncomingImage("kept.png", "image/png", TestImages.Source)));
        await events.WaitForAsync(task.Id, CutoutTaskState.Succeeded);
        var view = (await host.Tasks.GetAsync(owner.Id, task.Id))!;
        using (var thumbnail = await owner.Browser.GetAsync(view.Results[0].ThumbnailUrl))
            Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode); // now kept in the cache
        var held = await host.DbAsync(db => db.Assets.AsNoTracking().Select(a => a.StorageKey).ToListAsync());
        Assert.Equal(2, held.Count); // the source and the result

        // The sweep below runs on a clock past the grace, so everything written so far is old enough to judge; the app's
        // own sweep (on the real clock) finds all of it too young and leaves it alone.
        var ahead = OrphanFileSweep.Grace + TimeSpan.FromHours(1);
        var store = host.Services.GetRequiredService<IAssetStore>();
        var assets = Path.Combine(host.DataDirectory, FileSystemAssetStore.FolderName);
        var orphan = Path.Combine(assets, (await store.SaveAsync(Guid.NewGuid(), TestImages.Source, "png")).Key);
        var young = Path.Combine(assets, (await store.SaveAsync(Guid.NewGuid(), TestImages.Source, "png")).Key);
        File.SetLastWriteTimeUtc(young, DateTime.UtcNow + ahead - TimeSpan.FromMinutes(1)); // a minute old on the sweep's clock
        var id = Guid.NewGuid().ToString("N");
        var halfWritten = Write(Path.Combine(assets, id[..2], $"{id}.png.tmp-0a1b2c3d"));
        var foreign = Write(Path.Combine(assets, id[..2], "notes.txt"));
        var thumbnails = Path.Combine(host.DataDirectory, EngineThumbnailMaker.FolderName);
        var keptThumbnail = Assert.Single(Directory.GetFiles(thumbnails, "*.webp", SearchOption.AllDirectories));
        var hash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var orphanThumbnail = Write(Path.Combine(thumbnails, hash[..2], $"{hash}-320.webp"));
        var orphanThumbnailTemp = Write(Path.Combine(thumbnails, hash[..2], $"{hash}-320.webp.tmp-0a1b2c3d"));

        var sweep = ActivatorUtilities.CreateInstance<OrphanFileSweep>(host.Services, new ClockAhead(ahead));
        var result = await sweep.SweepAsync();

        Assert.Equal(new SweepResult(StoredFiles: 5, RemovedFiles: 2, RemovedThumbnailImages: 1), result);
        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(halfWritten));
        Assert.False(File.Exists(orphanThumbnail));
        Assert.False(File.Exists(orphanThumbnailTemp));
        Assert.True(File.Exists(young));
        Assert.True(File.Exists(foreign));
        Assert.True(File.Exists(keptThumbnail));
        Assert.All(held, key => Assert.True(File.Exists(Path.Combine(assets, key)), key));
        foreach (var url in new[] { view.Source.Url, view.Results[0].Url, view.Results[0].ThumbnailUrl })
        {
            using var response = await owner.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_app_sweeps_at_start_up()
    {
        var directory = TasksApp.NewDataDirectory();
        try
        {
            var instant = new ScriptedProvider("instant", synchronous: true);
            await using (var earlier = new TasksApp(directory).WithProvider(instant))
                await CutOutOnePhotoAsync(earlier);

            // Left by an earlier run that crashed between storing a result and committing its row.
            var (leftOver, inFlight) = WriteOldAndYoungOrphans(directory);

            await using var host = new TasksApp(directory).WithProvider(instant);
            _ = host.Services; // starts the app

            var giveUp = DateTime.UtcNow + TaskEventLog.Patience;
            while (File.Exists(leftOver))
            {
                if (DateTime.UtcNow > giveUp) throw new Xunit.Sdk.XunitException("The start-up sweep never removed the orphan.");
                await Task.Delay(20);
            }
            Assert.True(File.Exists(inFlight)); // judged in the same pass, and too young
        }
        finally
        {
            TasksApp.DeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task A_database_without_assets_removes_nothing()
    {
        using var host = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false");
        var (old, young) = WriteOldAndYoungOrphans(host.DataDirectory);

        var sweep = ActivatorUtilities.CreateInstance<OrphanFileSweep>(host.Services);
        var result = await sweep.SweepAsync();

        Assert.Equal(new SweepResult(StoredFiles: 2, RemovedFiles: 0, RemovedThumbnailImages: 0), result);
        Assert.True(File.Exists(old));
        Assert.True(File.Exists(young));
    }

    private static async Task CutOutOnePhotoAsync(TasksApp host)
    {
        var owner = await host.SignInNewUserAsync();
        using var events = new TaskEventLog(host.Events, owner.Id);
        var task = await host.Tasks.SubmitAsync(owner.Id, new NewTaskRequest("instant", ProviderOperation.RemoveBackground, new JobOptions(),
            new IncomingImage("kept.png", "image/png", TestImages.Source)));
        await events.WaitForAsync(task.Id, CutoutTaskState.Succeeded);
    }

    private static (string Old, string Young) WriteOldAndYoungOrphans(string dataDirectory)
    {
        var id = Guid.NewGuid().ToString("N");
        var old = Write(Path.Combine(dataDirectory, FileSystemAssetStore.FolderName, id[..2], $"{id}.png"));
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow - OrphanFileSweep.Grace - TimeSpan.FromHours(1));
        id = Guid.NewGuid().ToString("N");
        var young = Write(Path.Combine(dataDirectory, FileSystemAssetStore.FolderName, id[..2], $"{id}.png"));
        return (old, young);
    }

    private static string Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1, 2, 3]);
        return path;
    }

    private sealed class ClockAhead(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }
}
