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
    [Inject] private Infrastructure.IntakeRateLimiter IntakeLimit { get; set; } = default!;
    [Inject] private Infrastructure.ClientAddress Client { get; set; } = default!;

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
    private ElementReference resultStage;
    /// <summary>The result last brought into view, and whether the user (not the task finishing) opened the one shown now.</summary>
    private UploadItem? revealed;
    private bool openedByUser;
    private CancellationTokenSource? ticking;
    private InputFile? fileInput;
    private InputFile? backgroundInput;
    private DismissedTasks? dismissed;
    /// <summary>The recent tasks are back (or could not be loaded): from now on, no card means none (data-restored, for tests).</summary>
    private bool restored;

    private string? imageUrl;
    // The URL field is given a value by the server only when the server sets it (cleared after an add, or an address put
    // back): a new element each time (@key), so no other re-render can write a stale value over characters still being
    // typed (a card's event arriving mid-typing did, and the link lost letters).
    private string? urlFieldValue;
    private int urlFieldKey;
    private ElementReference urlField;
    private bool refocusUrlField;
    private string? notice;

    private readonly PointTool points = new();
    /// <summary>Batches studio.js announced and .NET has not read yet, by their number.</summary>
    private readonly Dictionary<int, GivenBatch> given = [];
    /// <summary>Batches read before their announcement arrived (messages may cross): a late announcement adds no cards.</summary>
    private readonly HashSet<int> readUnannounced = [];

    private IncomingImage? background;
    private string? backgroundPreview;
    private string? backgroundError;

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
        intake = new UploadIntake(Tasks, Logger, StateHasChanged, () => IntakeLimit.TryTake(Client.Value));
        cards = new StudioCards(Tasks, Logger, StateHasChanged);
        var user = (await AuthenticationState).User;
        userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        cards.UserId = userId;
        intake.UserId = userId;
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
        {
            if (refocusUrlField)
            {
                refocusUrlField = false;
                try { await urlField.FocusAsync(); } catch (Exception e) when (e is JSException or JSDisconnectedException or ObjectDisposedException) { }
            }
            await RevealResultAsync();
            return;
        }
        if (!await script.AttachAsync(workArea, fileInput?.Element, OnBatchGivenAsync, userId))
            return;
        await script.AttachResultKeysAsync(workArea, OnResultKeyAsync);
        ticking = new CancellationTokenSource();
        _ = TickAsync(ticking.Token);
        if (userId.Length > 0)
        {
            dismissed = script.Dismissed(userId);
            // Only after the first interactive render, because the removed cards are known only to the browser:
            // a card never shows up only to vanish.
            await cards.RestoreAsync(dismissed, script.Pending(userId), Clock.GetUtcNow());
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

    /// <summary>Whether any available provider can do <paramref name="mode"/>: the mode bar offers it then.</summary>
    private bool Offered(ProviderOperation mode) => providers.Any(p => p.IsAvailable && p.Descriptor.Supports(mode));

    private static string UnsupportedTestId(ProviderOperation mode) => mode switch
    {
        ProviderOperation.SegmentByText => "text-unsupported",
        ProviderOperation.GenerateBackground => "background-unsupported",
        ProviderOperation.SegmentByPoints => "points-unsupported",
        _ => "cutout-unsupported",
    };

    /// <summary>
    /// The operation comes first: a mode the chosen provider cannot do switches to one that can (the default if it
    /// can), since the picker only offers providers able to do the mode chosen.
    /// </summary>
    private void OnModeChanged(ProviderOperation mode)
    {
        if (!Offered(mode))
            return;
        settings.Operation = mode;
        if (Descriptor is not { } current || !current.Supports(mode))
        {
            selected = providers.Where(p => p.IsAvailable && p.Descriptor.Supports(mode)).OrderByDescending(p => p.IsDefault).First();
            settings.FitTo(selected.Descriptor);
        }
        if (mode != ProviderOperation.SegmentByPoints)
            ClearPointImage();
    }

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

    /// <summary>
    /// The moment a batch is given (studio.js, before it waits its turn): the current choice is fixed for it, and its
    /// cards appear at once, showing where they will go. In point mode the image goes to the point panel instead.
    /// </summary>
    private Task OnBatchGivenAsync(int id, string[] names) => InvokeAsync(() =>
    {
        if (readUnannounced.Remove(id) || Capture() is not { } choice || choice.Operation == ProviderOperation.SegmentByPoints)
            return;
        var batch = new GivenBatch(choice, UploadIntake.Announced(names, choice));
        given[id] = batch;
        cards.Add(batch.Items);
        StateHasChanged();
    });

    /// <summary>What the settings panel says now, fixed for the files given now; null when no provider is available.</summary>
    private StudioChoice? Capture(IReadOnlyList<NormalizedPoint>? positive = null, IReadOnlyList<NormalizedPoint>? negative = null) =>
        Descriptor is { } provider
            ? new StudioChoice(provider, settings.Operation, settings.ToJobOptions(positive, negative),
                settings.UsesBackgroundImage ? background : null, settings.SubmitProblem(hasBackgroundImage: background is not null), settings.TeamId)
            : null;

    private async Task TakeFilesAsync(InputFileChangeEventArgs e)
    {
        notice = null;
        var batchId = await script.HandedBatchAsync(fileInput?.Element);
        var announced = given.Remove(batchId, out var b) ? b : null;
        if (announced is null && batchId > 0)
            readUnannounced.Add(batchId);
        // Not announced (studio.js could not reach .NET): the choice of this moment is the closest there is.
        if ((announced?.Choice ?? Capture()) is not { } choice)
            return;
        (var files, notice) = UploadIntake.Take(e);
        var facts = await script.InspectAsync(fileInput?.Element, files.Count);

        if (announced is null && choice.Operation == ProviderOperation.SegmentByPoints)
        {
            await TakePointImageAsync(files, facts, choice.Provider);
            return;
        }

        var batch = UploadIntake.Cards(files, facts, choice, announced?.Items);
        if (announced is not null)
            foreach (var stale in announced.Items.Except(batch.Select(x => x.Item)).ToList())
                cards.Remove(stale);
        cards.Add(batch.Select(x => x.Item).Where(i => !cards.Items.Contains(i)).ToList());
        StateHasChanged();

        // Read and submit one after another: the first task is already running while the next file uploads.
        foreach (var (file, item) in batch.Where(x => x.Item.Phase == UploadPhase.Checking))
        {
            var image = await intake.ReadAsync(file, item, choice.Provider);
            if (image is not null)
                await SubmitAsync(item, image, choice);
        }
    }

    /// <summary>Sends one image as <paramref name="choice"/> says: what the user had chosen when they gave it.</summary>
    private async Task SubmitAsync(UploadItem item, IncomingImage image, StudioChoice choice)
    {
        item.Choice = choice;
        if (choice.Problem is { } problem)
        {
            item.Reject(problem, image);
            return;
        }
        await cards.SubmitAsync(item, choice.Request(image));
    }

    // ---- by URL ----

    /// <summary>Every keystroke; a link pasted (or dropped) into the empty field arrives whole and is added at once.</summary>
    private async Task OnUrlInputAsync(ChangeEventArgs e)
    {
        var before = imageUrl;
        imageUrl = e.Value?.ToString();
        if (!string.IsNullOrWhiteSpace(before) || !LooksLikeLink(imageUrl))
            return;
        await AddFromUrlAsync();
    }

    private void SetUrlField(string? value)
    {
        imageUrl = urlFieldValue = value;
        urlFieldKey++;
    }

    /// <summary>A whole http(s) address arriving at once: what a paste gives (typing gives "h", "ht", …).</summary>
    private static bool LooksLikeLink(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.AbsolutePath.Length > 1;

    private async Task AddFromUrlAsync()
    {
        var url = imageUrl?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            notice = "Paste or type the link of an image first.";
            return;
        }
        if (Capture() is not { } choice)
            return;
        SetUrlField(null);
        refocusUrlField = true;
        notice = null;
        var item = UploadIntake.Card(url, choice);
        cards.Add(item);
        StateHasChanged();
        // A cap on fetches at once is "not now": the address goes back into the field for another try.
        if (await intake.FetchAsync(url, item, busy: () => { if (string.IsNullOrWhiteSpace(imageUrl)) SetUrlField(url); }) is not { } image)
            return;
        if (choice.Operation == ProviderOperation.SegmentByPoints)
        {
            cards.Remove(item);
            points.Set(item, image, $"data:{image.ContentType ?? "image/png"};base64,{Convert.ToBase64String(image.Bytes)}");
            return;
        }
        await SubmitAsync(item, image, choice);
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
        if (Capture(points.Positive, points.Negative) is not { } choice || points.NewCard() is not { } attempt)
            return;
        attempt.Card.Choice = choice;
        cards.Add(attempt.Card);
        await SubmitAsync(attempt.Card, attempt.Image, choice);
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

    private void Show(UploadItem item)
    {
        cards.Show(item);
        openedByUser = true;
        revealed = null; // "View" again on the open one brings it back into sight too
    }

    private void CloseResult()
    {
        cards.Close();
        revealed = null;
    }

    private void Step(int direction)
    {
        if (cards.Step(direction))
            openedByUser = true;
    }

    private Task OnResultKeyAsync(string key) => InvokeAsync(() =>
    {
        switch (key)
        {
            case "next": Step(1); break;
            case "previous": Step(-1); break;
            case "close": CloseResult(); break;
            default: return;
        }
        StateHasChanged();
    });

    /// <summary>A result that just opened (by a click, a key, or its task finishing) is brought to the top of the window.</summary>
    private async Task RevealResultAsync()
    {
        var viewed = cards.Viewed is { Succeeded: true } v ? v : null;
        if (viewed == revealed)
            return;
        revealed = viewed;
        if (viewed is not null)
            await script.RevealAsync(resultStage, focus: openedByUser);
        openedByUser = false;
    }

    /// <summary>Re-renders once a second while a service works without a percentage, so "waiting… 12 s" counts.</summary>
    private async Task TickAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                if (cards.Items.Any(i => i.IsWaitingWithoutProgress))
                    await InvokeAsync(StateHasChanged);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RetryAsync(UploadItem item)
    {
        // Refused before any task existed (an empty prompt…): Retry is the user's new decision, so it takes the
        // settings of now, and the card shows them.
        if (item.Phase == UploadPhase.Rejected && item.Retained is { } image)
        {
            if (Capture(points.Positive, points.Negative) is not { } choice)
                return;
            item.StartReading();
            await SubmitAsync(item, image, choice);
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
        ticking?.Cancel();
        ticking?.Dispose();
        if (script is not null)
            await script.DisposeAsync();
    }
}
