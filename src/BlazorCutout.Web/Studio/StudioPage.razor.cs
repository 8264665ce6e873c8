using System.Security.Claims;
using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
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
    [Inject] private ITaskService Tasks { get; set; } = default!;
    [Inject] private ITaskEvents Events { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ILogger<StudioPage> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private readonly StudioSettings settings = new();
    private IReadOnlyList<ProviderChoice> providers = [];
    private ProviderChoice? selected;
    private string userId = "";
    private IDisposable? subscription;
    private StudioScript script = default!;
    private UploadIntake intake = default!;
    private StudioCards cards = default!;

    private ElementReference workArea;
    private InputFile? fileInput;
    private InputFile? backgroundInput;
    private DismissedTasks? dismissed;
    /// <summary>The recent tasks are back (or could not be loaded): from now on, no card means none (data-restored, for tests).</summary>
    private bool restored;

    private string? imageUrl;
    private string? notice;

    private readonly PointTool points = new();

    private IncomingImage? background;
    private string? backgroundPreview;
    private string? backgroundError;

    private static readonly object[] subjectTypes = Enum.GetValues<SubjectType>().Select(t => new { Text = TaskText.Subject(t), Value = t }).ToArray<object>();

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
        // Before the first await: the first render (and DisposeAsync) may come before this completes.
        script = new StudioScript(JS, Logger);
        intake = new UploadIntake(Tasks, Logger, StateHasChanged);
        cards = new StudioCards(Tasks, Logger, StateHasChanged);
        var user = (await AuthenticationState).User;
        userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        cards.UserId = userId;
        providers = Tasks.Providers();
        selected = providers.FirstOrDefault(p => p.IsDefault && p.IsAvailable) ?? providers.FirstOrDefault(p => p.IsAvailable);
        if (Descriptor is { } d)
            settings.FitTo(d);
        if (userId.Length > 0)
            subscription = Events.Subscribe(userId, OnTaskChangedAsync);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
            return;
        if (!await script.AttachAsync(workArea, fileInput?.Element))
            return;
        if (userId.Length > 0)
        {
            dismissed = script.Dismissed(userId);
            // Only after the first interactive render, because the removed cards are known only to the browser:
            // a card never shows up only to vanish.
            await cards.RestoreAsync(dismissed, Clock.GetUtcNow());
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
            await script.ReadyForNextBatchAsync();
        }
    }

    private async Task TakeFilesAsync(InputFileChangeEventArgs e)
    {
        notice = null;
        if (Descriptor is not { } provider)
            return;
        (var files, notice) = UploadIntake.Take(e);
        var facts = await script.InspectAsync(fileInput?.Element, files.Count);

        if (settings.Operation == ProviderOperation.SegmentByPoints)
        {
            await TakePointImageAsync(files, facts, provider);
            return;
        }

        var batch = UploadIntake.Cards(files, facts, provider);
        cards.Add(batch.Select(b => b.Item));
        StateHasChanged();

        // Read and submit one after another: the first task is already running while the next file uploads.
        foreach (var (file, item) in batch.Where(b => b.Item.Phase == UploadPhase.Checking))
        {
            var image = await intake.ReadAsync(file, item, provider);
            if (image is not null)
                await SubmitAsync(item, image, settings.ToJobOptions());
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
        var bg = settings.UsesBackgroundImage ? background : null;
        await cards.SubmitAsync(item, new NewTaskRequest(provider.Id, settings.Operation, options, image, bg, settings.TeamId));
    }

    // ---- by URL ----

    private async Task AddFromUrlAsync()
    {
        var url = imageUrl?.Trim();
        if (string.IsNullOrEmpty(url) || Descriptor is not { } provider)
            return;
        imageUrl = null;
        notice = null;
        var item = UploadIntake.Card(url);
        cards.Add(item);
        StateHasChanged();
        if (await intake.FetchAsync(url, item) is not { } image)
            return;
        if (settings.Operation == ProviderOperation.SegmentByPoints)
        {
            cards.Remove(item);
            points.Set(item, image, $"data:{image.ContentType ?? "image/png"};base64,{Convert.ToBase64String(image.Bytes)}");
            return;
        }
        await SubmitAsync(item, image, settings.ToJobOptions());
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
        var image = await intake.ReadAsync(file, item, provider);
        if (image is null)
        {
            notice = $"{file.Name}: {item.Error}";
            return;
        }
        points.Set(item, image, f.PreviewUrl);
    }

    private void ClearPointImage() => points.Clear();

    private void OnPointsChanged((IReadOnlyList<NormalizedPoint> Positive, IReadOnlyList<NormalizedPoint> Negative) placed) => points.Place(placed);

    private async Task SubmitPointsAsync()
    {
        if (points.NewCard() is not { } attempt)
            return;
        cards.Add(attempt.Card);
        await SubmitAsync(attempt.Card, attempt.Image, settings.ToJobOptions(points.Positive, points.Negative));
    }

    // ---- background image ----

    private async Task OnBackgroundChosenAsync(InputFileChangeEventArgs e)
    {
        backgroundError = null;
        if (Descriptor is not { } provider)
            return;
        var file = e.File;
        var facts = await script.InspectAsync(backgroundInput?.Element, 1);
        if (facts?[0] is { } f && ClientImageCheck.Problem(f, provider) is { } problem)
        {
            backgroundError = problem;
            return;
        }
        var probe = new UploadItem { FileName = file.Name };
        var image = await intake.ReadAsync(file, probe, provider);
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
        if (await cards.ApplyAsync(change))
            StateHasChanged();
    });

    // ---- card actions ----

    private void Show(UploadItem item) => cards.Show(item);

    private async Task RetryAsync(UploadItem item)
    {
        if (item.Phase == UploadPhase.Rejected && item.Retained is { } image)
        {
            item.StartReading();
            await SubmitAsync(item, image, settings.ToJobOptions(points.Positive, points.Negative));
            return;
        }
        await cards.RetryAsync(item);
    }

    private Task CancelAsync(UploadItem item) => cards.CancelAsync(item);

    private Task DismissAsync(UploadItem item) => cards.RemoveAsync([item], dismissed);

    private Task ClearFinishedAsync() => cards.RemoveAsync(cards.Items.Where(i => !i.IsRunning).ToList(), dismissed);

    public async ValueTask DisposeAsync()
    {
        subscription?.Dispose();
        if (script is not null)
            await script.DisposeAsync();
    }
}
