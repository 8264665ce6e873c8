using System.Security.Claims;
using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;

namespace BlazorCutout.Web.Studio;

/// <summary>
/// The Studio: files come in through one &lt;input type=file&gt; (picked, dropped or pasted — studio.js routes all three
/// into it, one batch at a time) or by URL; each one is checked in the browser, read, and submitted as its own task; its card then follows
/// the task live through <see cref="ITaskEvents"/>.
/// </summary>
public sealed partial class StudioPage
{
    /// <summary>Files taken from one drop; more are refused with a message rather than silently dropped.</summary>
    public const int MaxFilesPerDrop = 20;

    [Inject] private ITaskService Tasks { get; set; } = default!;
    [Inject] private ITaskEvents Events { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ILogger<StudioPage> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private readonly StudioSettings settings = new();
    private readonly List<UploadItem> items = [];
    private readonly Dictionary<Guid, TaskChanged> latest = [];
    private readonly List<string> blobUrls = [];
    private IReadOnlyList<ProviderChoice> providers = [];
    private ProviderChoice? selected;
    private string userId = "";
    private IDisposable? subscription;

    private ElementReference workArea;
    private InputFile? fileInput;
    private InputFile? backgroundInput;
    private IJSObjectReference? module;
    private IJSObjectReference? dropHandle;
    private DismissedTasks? dismissed;
    /// <summary>The recent tasks are back (or could not be loaded): from now on, no card means none (data-restored, for tests).</summary>
    private bool restored;

    private string? imageUrl;
    private string? notice;
    private UploadItem? viewed;

    private UploadItem? pointImage;
    private IncomingImage? pointBytes;
    private IReadOnlyList<NormalizedPoint> positivePoints = [];
    private IReadOnlyList<NormalizedPoint> negativePoints = [];

    private IncomingImage? background;
    private string? backgroundPreview;
    private string? backgroundError;

    private static readonly object[] subjectTypes = Enum.GetValues<SubjectType>().Select(t => new { Text = TaskText.Subject(t), Value = t }).ToArray<object>();

    /// <summary>The finished cards' tasks for "Download all": newest first, as many as one archive takes.</summary>
    private IReadOnlyList<TaskView> FinishedTasks => items.Where(i => i.Succeeded).Select(i => i.Task!).Take(AssetArchive.MaxTasks).ToList();

    private ProviderDescriptor? Descriptor => selected?.Descriptor;
    private string Accept => Descriptor is { } d ? ClientImageCheck.AcceptAttribute(d.Limits) : "image/*";

    private string LimitsText => Descriptor is { } d
        ? $"{string.Join(", ", d.Limits.AcceptedFormats.Select(f => f.ToUpperInvariant()).Order())} · up to {TaskText.Bytes(ClientImageCheck.MaxBytes(d.Limits))} · up to {d.Limits.MaxPixelsPerSide}×{d.Limits.MaxPixelsPerSide} px"
        : "No provider is available right now.";

    private string DropTitle => settings.Operation switch
    {
        ProviderOperation.SegmentByPoints => "Drop an image to place points on",
        ProviderOperation.GenerateBackground => "Drop photos to place on new backgrounds",
        _ => "Drop images here",
    };

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        providers = Tasks.Providers();
        selected = providers.FirstOrDefault(p => p.IsDefault && p.IsAvailable) ?? providers.FirstOrDefault(p => p.IsAvailable);
        if (Descriptor is { } d)
            settings.FitTo(d);
        if (userId.Length > 0)
            subscription = Events.Subscribe(userId, OnTaskChangedAsync);
    }

    /// <summary>
    /// After a reload (or coming back from another page) the table shows the <see cref="RecentTasks"/> whose cards the
    /// user did not remove, as cards that follow their tasks live like new ones. It runs after the first interactive
    /// render, because the removed ones are known only to the browser: a card never shows up only to vanish.
    /// </summary>
    private async Task RestoreRecentAsync()
    {
        var hidden = dismissed is null ? new HashSet<Guid>() : await dismissed.LoadAsync();
        IReadOnlyList<TaskView> candidates;
        try
        {
            candidates = RecentTasks.Candidates((await Tasks.QueryAsync(userId, RecentTasks.Query)).Items, Clock.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "Loading the recent tasks failed");
            return;
        }
        if (dismissed is not null && hidden.Count > 0)
            await dismissed.KeepOnlyAsync(candidates.Select(v => v.Id));
        foreach (var view in RecentTasks.Restored(candidates, hidden))
        {
            if (items.Any(i => i.Task?.Id == view.Id))
                continue;
            var item = UploadItem.FromTask(view);
            items.Add(item);
            // A change that arrived while the page was loading: apply it, and load the results if it ended the task.
            if (latest.TryGetValue(view.Id, out var change) && item.Apply(change) && change.State.IsFinal())
                await RefreshAsync(item);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
            return;
        try
        {
            module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/studio.js");
            if (module is not null && fileInput?.Element is { } input)
                dropHandle = await module.InvokeAsync<IJSObjectReference>("attachDropZone", workArea, input);
        }
        catch (JSDisconnectedException)
        {
            return;
        }
        if (userId.Length > 0)
        {
            if (module is not null)
                dismissed = new DismissedTasks(module, userId, Logger);
            await RestoreRecentAsync();
        }
        restored = true;
        StateHasChanged();
    }

    // ---- settings ----

    private void OnProviderChanged(string providerId)
    {
        selected = providers.FirstOrDefault(p => p.Descriptor.Id == providerId && p.IsAvailable) ?? selected;
        if (Descriptor is { } d)
            settings.FitTo(d);
    }

    private void OnModeChanged(ProviderOperation mode)
    {
        if (Descriptor is { } d && !d.Supports(mode))
            return;
        settings.Operation = mode;
        if (mode != ProviderOperation.SegmentByPoints)
            ClearPointImage();
    }

    private static IEnumerable<object> OutputChoices(SupportedOptions o) =>
        new[] { OutputKind.ImageAndMask, OutputKind.Image, OutputKind.Mask }.Where(o.Outputs.Contains).Select(k => new { Text = TaskText.Output(k), Value = k });

    private static IEnumerable<object> FormatChoices(SupportedOptions o) =>
        new[] { OutputFormat.Png, OutputFormat.Webp, OutputFormat.Jpg }.Where(o.Formats.Contains)
            .Select(f => new { Text = f == OutputFormat.Jpg ? "JPG (no transparency)" : TaskText.Format(f), Value = f });

    // ---- files in ----

    private async Task OnFilesChosenAsync(InputFileChangeEventArgs e)
    {
        try
        {
            await TakeFilesAsync(e);
        }
        finally
        {
            // Every file of this batch has been read (or given up): studio.js may now hand over the next one,
            // which makes these IBrowserFiles unreadable.
            await ReadyForNextBatchAsync();
        }
    }

    private async Task ReadyForNextBatchAsync()
    {
        if (dropHandle is null)
            return;
        try
        {
            await dropHandle.InvokeVoidAsync("next");
        }
        catch (JSDisconnectedException)
        {
        }
    }

    private async Task TakeFilesAsync(InputFileChangeEventArgs e)
    {
        notice = null;
        if (Descriptor is not { } provider)
            return;
        var files = e.FileCount > MaxFilesPerDrop ? e.GetMultipleFiles(e.FileCount).Take(MaxFilesPerDrop).ToList() : e.GetMultipleFiles(MaxFilesPerDrop).ToList();
        if (e.FileCount > MaxFilesPerDrop)
            notice = $"Only the first {MaxFilesPerDrop} of {e.FileCount} files were taken; add the rest in another drop.";
        var facts = await InspectAsync(fileInput?.Element, files.Count);

        if (settings.Operation == ProviderOperation.SegmentByPoints)
        {
            await TakePointImageAsync(files, facts, provider);
            return;
        }

        var batch = files.Select((file, i) => (File: file, Facts: facts?[i], Item: new UploadItem
        {
            FileName = file.Name,
            Size = file.Size,
            Width = facts?[i].Width ?? 0,
            Height = facts?[i].Height ?? 0,
            PreviewUrl = facts?[i].PreviewUrl,
        })).ToList();
        items.InsertRange(0, batch.Select(b => b.Item));
        foreach (var (_, f, item) in batch)
        {
            if (f is not null && ClientImageCheck.Problem(f, provider) is { } problem)
                item.Reject(problem);
        }
        StateHasChanged();

        // Read and submit one after another: the first task is already running while the next file uploads.
        foreach (var (file, _, item) in batch.Where(b => b.Item.Phase == UploadPhase.Checking))
        {
            var image = await ReadAsync(file, item, provider);
            if (image is not null)
                await SubmitAsync(item, image, settings.ToJobOptions());
        }
    }

    private async Task<ClientImageFacts[]?> InspectAsync(ElementReference? input, int expected)
    {
        if (module is null || input is null)
            return null;
        try
        {
            var facts = await module.InvokeAsync<ClientImageFacts[]>("inspect", input.Value);
            foreach (var url in facts.Select(f => f.PreviewUrl).OfType<string>())
                blobUrls.Add(url);
            return facts.Length == expected ? facts : null; // the input changed meanwhile: let the server judge
        }
        catch (Exception ex) when (ex is JSException or TaskCanceledException)
        {
            Logger.LogDebug(ex, "Inspecting the chosen files in the browser failed; the server checks them.");
            return null;
        }
    }

    private async Task<IncomingImage?> ReadAsync(IBrowserFile file, UploadItem item, ProviderDescriptor provider)
    {
        item.StartReading();
        StateHasChanged();
        var max = ClientImageCheck.MaxBytes(provider.Limits);
        if (file.Size > max)
        {
            item.Reject($"The file is {TaskText.Bytes(file.Size)}; the limit is {TaskText.Bytes(max)}.");
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
                    StateHasChanged();
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
            Logger.LogInformation(ex, "Reading {File} from the browser failed", file.Name);
            item.Reject("The file could not be read from your browser. Drop it again.");
            return null;
        }
    }

    private async Task SubmitAsync(UploadItem item, IncomingImage image, JobOptions options)
    {
        if (Descriptor is not { } provider)
        {
            item.Reject("No provider is available right now.", image);
            return;
        }
        if (settings.SubmitProblem(hasBackgroundImage: background is not null) is { } problem)
        {
            item.Reject(problem, image);
            return;
        }
        try
        {
            var bg = settings.UsesBackgroundImage ? background : null;
            var view = await Tasks.SubmitAsync(userId, new NewTaskRequest(provider.Id, settings.Operation, options, image, bg));
            item.Attach(view);
            await CatchUpAsync(item);
        }
        catch (TaskRejectedException ex)
        {
            item.Reject(ex.Message, image);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "Submitting {File} failed", image.FileName);
            item.Reject("Something went wrong while sending this image. Try again in a moment.", image);
        }
        StateHasChanged();
    }

    // ---- by URL ----

    private async Task AddFromUrlAsync()
    {
        var url = imageUrl?.Trim();
        if (string.IsNullOrEmpty(url) || Descriptor is not { } provider)
            return;
        imageUrl = null;
        notice = null;
        var item = new UploadItem { FileName = NameFromUrl(url) };
        item.StartReading();
        items.Insert(0, item);
        StateHasChanged();
        IncomingImage image;
        try
        {
            image = await Tasks.FetchImageAsync(url);
        }
        catch (TaskRejectedException ex)
        {
            item.Reject(ex.Message);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "Fetching an image URL failed");
            item.Reject("The image could not be fetched from that address.");
            return;
        }
        item.Size = image.Bytes.LongLength;
        item.ReadProgress = 1;
        if (settings.Operation == ProviderOperation.SegmentByPoints)
        {
            items.Remove(item);
            SetPointImage(item, image, $"data:{image.ContentType ?? "image/png"};base64,{Convert.ToBase64String(image.Bytes)}");
            return;
        }
        await SubmitAsync(item, image, settings.ToJobOptions());
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

    // ---- points ----

    private async Task TakePointImageAsync(IReadOnlyList<IBrowserFile> files, ClientImageFacts[]? facts, ProviderDescriptor provider)
    {
        if (files.Count > 1)
            notice = "Segmenting by points works on one image at a time: the first one was taken.";
        var file = files[0];
        var f = facts?[0];
        if (f is not null && ClientImageCheck.Problem(f, provider) is { } problem)
        {
            notice = $"{file.Name}: {problem}";
            return;
        }
        if (f?.PreviewUrl is null)
        {
            notice = $"{file.Name}: this image cannot be shown in the browser, so points cannot be placed on it.";
            return;
        }
        var item = new UploadItem { FileName = file.Name, Size = file.Size, Width = f.Width, Height = f.Height, PreviewUrl = f.PreviewUrl };
        var image = await ReadAsync(file, item, provider);
        if (image is null)
        {
            notice = $"{file.Name}: {item.Error}";
            return;
        }
        SetPointImage(item, image, f.PreviewUrl);
    }

    private void SetPointImage(UploadItem item, IncomingImage image, string previewUrl)
    {
        item.PreviewUrl = previewUrl;
        pointImage = item;
        pointBytes = image;
        positivePoints = [];
        negativePoints = [];
    }

    private void ClearPointImage()
    {
        pointImage = null;
        pointBytes = null;
        positivePoints = [];
        negativePoints = [];
    }

    private void OnPointsChanged((IReadOnlyList<NormalizedPoint> Positive, IReadOnlyList<NormalizedPoint> Negative) points)
    {
        positivePoints = points.Positive;
        negativePoints = points.Negative;
    }

    private async Task SubmitPointsAsync()
    {
        if (pointImage is null || pointBytes is null || positivePoints.Count == 0)
            return;
        // A new card each time: the user can refine the points and compare the attempts.
        var item = new UploadItem
        {
            FileName = pointImage.FileName,
            Size = pointImage.Size,
            Width = pointImage.Width,
            Height = pointImage.Height,
            PreviewUrl = pointImage.PreviewUrl is { } u && u.StartsWith("blob:", StringComparison.Ordinal) ? u : null,
        };
        items.Insert(0, item);
        await SubmitAsync(item, pointBytes, settings.ToJobOptions(positivePoints, negativePoints));
    }

    // ---- background image ----

    private async Task OnBackgroundChosenAsync(InputFileChangeEventArgs e)
    {
        backgroundError = null;
        if (Descriptor is not { } provider)
            return;
        var file = e.File;
        var facts = await InspectAsync(backgroundInput?.Element, 1);
        if (facts?[0] is { } f && ClientImageCheck.Problem(f, provider) is { } problem)
        {
            backgroundError = problem;
            return;
        }
        var probe = new UploadItem { FileName = file.Name };
        var image = await ReadAsync(file, probe, provider);
        if (image is null)
        {
            backgroundError = probe.Error;
            return;
        }
        background = image;
        backgroundPreview = facts?[0].PreviewUrl;
    }

    // ---- live updates ----

    private Task OnTaskChangedAsync(TaskChanged change) => InvokeAsync(async () =>
    {
        if (!latest.TryGetValue(change.TaskId, out var known) || known.At <= change.At)
            latest[change.TaskId] = change;
        var item = items.FirstOrDefault(i => i.Task?.Id == change.TaskId);
        if (item is null || !item.Apply(change))
            return;
        if (change.State.IsFinal())
            await RefreshAsync(item);
        StateHasChanged();
    });

    /// <summary>Applies a change that arrived before the submission returned, then loads results if it is already over.</summary>
    private async Task CatchUpAsync(UploadItem item)
    {
        if (item.Task is { } task && latest.TryGetValue(task.Id, out var change))
            item.Apply(change);
        if (item.State?.IsFinal() == true)
            await RefreshAsync(item);
    }

    private async Task RefreshAsync(UploadItem item)
    {
        if (item.Task is not { } task)
            return;
        try
        {
            if (await Tasks.GetAsync(userId, task.Id) is { } view)
                item.Attach(view);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "Loading task {TaskId} failed", task.Id);
        }
        if (item.Succeeded && (viewed is null || !viewed.Succeeded))
            viewed = item;
    }

    // ---- card actions ----

    private void Show(UploadItem item)
    {
        if (item.Succeeded)
            viewed = item;
    }

    private async Task RetryAsync(UploadItem item)
    {
        if (item.Phase == UploadPhase.Rejected && item.Retained is { } image)
        {
            item.StartReading();
            await SubmitAsync(item, image, settings.ToJobOptions(positivePoints, negativePoints));
            return;
        }
        if (item.Task is not { } task)
            return;
        try
        {
            if (await Tasks.RetryAsync(userId, task.Id) is { } view)
            {
                item.Attach(view);
                await CatchUpAsync(item);
            }
        }
        catch (TaskRejectedException ex)
        {
            item.Reject(ex.Message);
        }
    }

    private async Task CancelAsync(UploadItem item)
    {
        if (item.Task is { } task)
            await Tasks.CancelAsync(userId, task.Id);
    }

    private Task DismissAsync(UploadItem item) => RemoveCardsAsync([item]);

    private Task ClearFinishedAsync() => RemoveCardsAsync(items.Where(i => !i.IsRunning).ToList());

    /// <summary>Takes cards off the table for good: a reload does not bring their tasks back (they stay in History).</summary>
    private async Task RemoveCardsAsync(IReadOnlyList<UploadItem> removed)
    {
        items.RemoveAll(removed.Contains);
        if (viewed is not null && !items.Contains(viewed))
            viewed = items.FirstOrDefault(i => i.Succeeded);
        var ids = removed.Select(i => i.Task?.Id).OfType<Guid>().ToList();
        if (dismissed is not null && ids.Count > 0)
            await dismissed.AddAsync(ids);
    }

    public async ValueTask DisposeAsync()
    {
        subscription?.Dispose();
        try
        {
            if (dropHandle is not null)
            {
                await dropHandle.InvokeVoidAsync("dispose");
                await dropHandle.DisposeAsync();
            }
            if (module is not null)
            {
                if (blobUrls.Count > 0)
                    await module.InvokeVoidAsync("revoke", blobUrls);
                await module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
        }
    }
}
