using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>Fetches a finished job's results from the provider and stores them as the task's assets (not yet saved to the database).</summary>
internal sealed class TaskResultDownloader(IAssetStore store, ICutoutEngine engine, TimeProvider time)
{
    /// <summary>
    /// Adds one asset to <paramref name="stored"/> per result as soon as its file is stored, so that a caller whose
    /// download fails part-way knows which files to <see cref="Discard"/>.
    /// </summary>
    public async Task DownloadAsync(TaskStep step, ProviderPoll.Done done, List<AssetRecord> stored, CancellationToken ct)
    {
        var t = step.Task;
        var d = step.Descriptor;
        var source = await step.Db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == t.SourceAssetId);
        var sourceName = source?.FileName ?? "image";
        var now = time.GetUtcNow();
        var ordered = done.Results.OrderBy(r => r.Role).ThenBy(r => r.Index).ToList();
        var imageCount = ordered.Count(r => r.Role == ResultRole.Image);
        var maskCount = ordered.Count - imageCount;
        var seen = new Dictionary<ResultRole, int>();
        foreach (var reference in ordered)
        {
            var content = await step.Provider.FetchAsync(reference, ct);
            if (content.Bytes.Length == 0)
                throw new ProviderException(ProviderErrorCode.ProviderFailed, $"{d.DisplayName} returned an empty result.", isTransient: false);
            var contentType = ImageFormats.Sniff(content.Bytes) ?? content.ContentType;
            var role = reference.Role == ResultRole.Mask ? TaskAssetRole.Mask : TaskAssetRole.Result;
            var index = seen.GetValueOrDefault(reference.Role);
            seen[reference.Role] = index + 1;
            var (width, height) = Dimensions(content.Bytes);
            var asset = AssetRecord.New(t.OwnerId, role, contentType,
                ImageFormats.ResultFileName(sourceName, role, index, role == TaskAssetRole.Mask ? maskCount : imageCount, contentType),
                width, height, content.Bytes.Length, now, taskId: t.Id, index: index);
            await store.SaveFileAsync(asset, content.Bytes, CancellationToken.None);
            stored.Add(asset);
        }
    }

    /// <summary>Deletes the files of results that will not be saved.</summary>
    public void Discard(IEnumerable<AssetRecord> stored)
    {
        foreach (var asset in stored) store.Delete(asset.StorageKey);
    }

    private (int Width, int Height) Dimensions(byte[] bytes)
    {
        try
        {
            var probe = engine.Probe(bytes);
            return (probe.Width, probe.Height);
        }
        catch (CutoutException)
        {
            return (0, 0); // larger than the engine's input limits, or a format it does not read: still a valid result
        }
    }
}
