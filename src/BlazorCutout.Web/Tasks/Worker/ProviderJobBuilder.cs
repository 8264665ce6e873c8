using BlazorCutout.Providers;
using BlazorCutout.Providers.Security;
using BlazorCutout.Web.Tasks.Callbacks;
using BlazorCutout.Web.Tasks.Storage;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>Turns a stored task into the job its provider is sent: its images (bytes, a signed URL or both) and callback URL.</summary>
internal sealed class ProviderJobBuilder(IAssetStore store, AssetUrlSigner signer, CallbackUrls callbacks, UrlGuard guard, ILogger logger)
{
    /// <exception cref="TaskRejectedException">An image is gone, or the provider cannot be given it.</exception>
    public async Task<ProviderJob> BuildAsync(TaskStep step)
    {
        var t = step.Task;
        var d = step.Descriptor;
        var options = TaskRecords.DeserializeOptions(t.OptionsJson);
        var source = await LoadImageAsync(step, t.SourceAssetId, "original image");
        JobImage? background = t.BackgroundAssetId is { } bgId ? await LoadImageAsync(step, bgId, "background image") : null;
        return new ProviderJob(t.Id.ToString("D"), t.Operation, options with { BackgroundImage = background }, source, CallbackUrlFor(t.Id, d));
    }

    /// <summary>
    /// The task's callback URL when the provider takes one and a public base URL is configured; left out (polling
    /// alone finishes the task) when the URL guard would refuse it, e.g. plain http or a private address.
    /// </summary>
    private Uri? CallbackUrlFor(Guid taskId, ProviderDescriptor d)
    {
        if (!d.Options.Callback || callbacks.For(taskId) is not { } url) return null;
        try
        {
            guard.EnsureAllowed(url);
            return url;
        }
        catch (UrlRefusedException e)
        {
            logger.LogDebug("Task {TaskId}: no callback URL for {Provider}: {Reason}", taskId, d.Id, e.Message);
            return null;
        }
    }

    private async Task<JobImage> LoadImageAsync(TaskStep step, Guid assetId, string what)
    {
        var d = step.Descriptor;
        var asset = await step.Db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId)
            ?? throw new TaskRejectedException("SourceMissing", $"The {what} is no longer stored; upload it again.");
        Uri? url = null;
        if (d.Inputs.HasFlag(ProviderInputs.Url) && signer.CanSign) url = signer.Sign(asset.Id);
        if (d.NeedsPublicUrlForUploads)
        {
            if (url is null)
                throw new TaskRejectedException(nameof(ProviderErrorCode.InputNotAccepted),
                    $"{d.DisplayName} only fetches images from a URL and no public base URL is configured (BlazorCutout:PublicBaseUrl).");
            return JobImage.FromUrl(url);
        }
        var bytes = await store.ReadAllAsync(asset.StorageKey)
            ?? throw new TaskRejectedException("SourceMissing", $"The {what} is missing from storage; upload it again.");
        return JobImage.FromBytes(bytes, asset.FileName, asset.ContentType, url);
    }
}
