using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.UrlFetch;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;

namespace BlazorCutout.Web.Studio;

/// <summary>
/// Turns what the user hands the Studio (a batch of chosen files, an image URL) into <see cref="UploadItem"/>s checked
/// against the provider's limits, and their bytes; every problem ends up on the item as one sentence.
/// </summary>
/// <param name="changed">Re-renders the page, so reading progress shows while the bytes travel.</param>
/// <param name="admit">
/// Counts one image against the client address's limit (<see cref="Infrastructure.IntakeRateLimiter"/>): null when it
/// may come in, else the refusal in words. None: no limit (component tests).
/// </param>
public sealed class UploadIntake(ITaskService tasks, ILogger logger, Action changed, Func<string?>? admit = null)
{
    /// <summary>Files taken from one drop; more are refused with a message rather than silently dropped.</summary>
    public const int MaxFilesPerDrop = 20;

    /// <summary>The files of one drop, at most <see cref="MaxFilesPerDrop"/>, and the notice when some were left out.</summary>
    public static (IReadOnlyList<IBrowserFile> Files, string? Notice) Take(InputFileChangeEventArgs e) =>
        e.FileCount > MaxFilesPerDrop
            ? (e.GetMultipleFiles(e.FileCount).Take(MaxFilesPerDrop).ToList(),
                $"Only the first {MaxFilesPerDrop} of {e.FileCount} files were taken; add the rest in another drop.")
            : (e.GetMultipleFiles(MaxFilesPerDrop).ToList(), null);

    /// <summary>
    /// The cards of a batch as soon as it is given, before its bytes can be read: each one shows the choice it goes with
    /// and says "Checking…" until <see cref="Cards"/> fills it in.
    /// </summary>
    public static IReadOnlyList<UploadItem> Announced(IEnumerable<string> names, StudioChoice choice) =>
        names.Take(MaxFilesPerDrop).Select(name => new UploadItem { FileName = name, Choice = choice }).ToList();

    /// <summary>
    /// A card per file, already rejected when the browser's <paramref name="facts"/> show a problem: the
    /// <paramref name="announced"/> cards of this batch when they match its files, new ones otherwise.
    /// </summary>
    public static IReadOnlyList<(IBrowserFile File, UploadItem Item)> Cards(IReadOnlyList<IBrowserFile> files, ClientImageFacts[]? facts, StudioChoice choice,
        IReadOnlyList<UploadItem>? announced = null)
    {
        var reuse = announced is not null && announced.Count == files.Count && announced.Select(i => i.FileName).SequenceEqual(files.Select(f => f.Name));
        var batch = files.Select((file, i) =>
        {
            var item = reuse ? announced![i] : new UploadItem { FileName = file.Name, Choice = choice };
            item.Size = file.Size;
            item.Width = facts?[i].Width ?? 0;
            item.Height = facts?[i].Height ?? 0;
            item.PreviewUrl = facts?[i].PreviewUrl;
            return (File: file, Item: item);
        }).ToList();
        for (var i = 0; i < batch.Count; i++)
        {
            if (facts?[i] is { } f && ClientImageCheck.Problem(f, choice.Provider) is { } problem)
                batch[i].Item.Reject(problem);
        }
        return batch;
    }

    public async Task<IncomingImage?> ReadAsync(IBrowserFile file, UploadItem item, ProviderDescriptor provider)
    {
        item.StartReading();
        changed();
        var max = ClientImageCheck.MaxBytes(provider.Limits);
        if (file.Size > max)
        {
            item.Reject($"The file is {TaskText.Bytes(file.Size)}; the limit is {TaskText.Bytes(max)}.");
            return null;
        }
        if (admit?.Invoke() is { } refused)
        {
            item.Reject(refused);
            return null;
        }
        try
        {
            var bytes = new byte[file.Size];
            await using var stream = file.OpenReadStream(maxAllowedSize: max);
            var read = 0;
            var lastShown = 0.0;
            while (read < bytes.Length)
            {
                var n = await stream.ReadAsync(bytes.AsMemory(read));
                if (n == 0)
                    break;
                read += n;
                item.ReadProgress = (double)read / bytes.Length;
                if (item.ReadProgress - lastShown >= 0.1)
                {
                    lastShown = item.ReadProgress;
                    changed();
                }
            }
            if (read != bytes.Length)
            {
                item.Reject("The file could not be read completely. Drop it again.");
                return null;
            }
            return new IncomingImage(file.Name, string.IsNullOrEmpty(file.ContentType) ? null : file.ContentType, bytes);
        }
        catch (Exception ex) when (ex is IOException or JSException or InvalidOperationException)
        {
            logger.LogInformation(ex, "Reading {File} from the browser failed", file.Name);
            item.Reject("The file could not be read from your browser. Drop it again.");
            return null;
        }
    }

    /// <summary>A card for an image URL, already reading.</summary>
    public static UploadItem Card(string url, StudioChoice choice)
    {
        var item = new UploadItem { FileName = NameFromUrl(url), Choice = choice };
        item.StartReading();
        return item;
    }

    /// <summary>The signed-in user, whose fetches count against their own cap.</summary>
    public string UserId { get; set; } = "";

    /// <summary>
    /// The image behind <paramref name="url"/>, fetched by the server for the card's provider; null (and the card
    /// rejected) when it cannot be. <paramref name="busy"/> is called when only a cap on fetches at once or the limit per
    /// client address stood in the way, so the page can keep the address for another try.
    /// </summary>
    public async Task<IncomingImage?> FetchAsync(string url, UploadItem item, Action? busy = null)
    {
        if (admit?.Invoke() is { } refused)
        {
            item.Reject(refused);
            busy?.Invoke();
            return null;
        }
        IncomingImage image;
        try
        {
            image = await tasks.FetchImageAsync(UserId, item.Choice?.Provider.Id ?? "", url, new Progress<long>(received => item.Size = received));
        }
        catch (TaskRejectedException ex)
        {
            item.Reject(ex.Message);
            if (UrlFetchGate.IsBusy(ex))
                busy?.Invoke();
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Fetching an image URL failed");
            item.Reject("The image could not be fetched from that address.");
            return null;
        }
        item.Size = image.Bytes.LongLength;
        item.ReadProgress = 1;
        return image;
    }

    private static string NameFromUrl(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            var last = Uri.UnescapeDataString(uri.Segments.LastOrDefault() ?? "").Trim('/');
            return last.Length > 0 ? last : uri.Host;
        }
        return url.Length > 60 ? url[..60] + "…" : url;
    }
}
