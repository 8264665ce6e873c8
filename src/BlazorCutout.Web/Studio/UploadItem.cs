using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks.Worker;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Studio;

public enum UploadPhase { Checking, Reading, Rejected, Submitted }

/// <summary>One file on the Studio's table: from the moment it is chosen, through upload and the task's life, to its result.</summary>
public sealed class UploadItem
{
    public Guid LocalId { get; } = Guid.NewGuid();
    public required string FileName { get; init; }
    /// <summary>Provider, mode and options as they were when the file was given; what a submission of this card sends.</summary>
    public StudioChoice? Choice { get; set; }
    public long Size { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    /// <summary>A blob: URL of the local file (instant preview), until the task's own thumbnail is known.</summary>
    public string? PreviewUrl { get; set; }

    public UploadPhase Phase { get; private set; } = UploadPhase.Checking;
    /// <summary>0..1 while the bytes travel from the browser.</summary>
    public double ReadProgress { get; set; }
    public string? Error { get; private set; }
    /// <summary>What a success falls short of (a partial batch), shown under the status.</summary>
    public string? Note { get; private set; }

    /// <summary>Set on a card for a file whose upload was cut off by a reload or a restart: its place in <see cref="PendingUploads"/>.</summary>
    public string? PendingRef { get; private init; }

    public TaskView? Task { get; private set; }
    public CutoutTaskState? State { get; private set; }
    public int? Progress { get; private set; }
    private DateTimeOffset lastChange = DateTimeOffset.MinValue;

    /// <summary>The bytes, kept when the server refused the file before any task existed, so Retry can send it again.</summary>
    public IncomingImage? Retained { get; private set; }

    public bool IsRunning => Phase is UploadPhase.Checking or UploadPhase.Reading || (Phase == UploadPhase.Submitted && State is { } s && !s.IsFinal());
    public bool Succeeded => State == CutoutTaskState.Succeeded && Task is not null;
    public bool CanRetry => (Phase == UploadPhase.Rejected && Retained is not null)
        || (Phase == UploadPhase.Submitted && State is CutoutTaskState.Failed or CutoutTaskState.Canceled);
    /// <summary>The task failed while being sent and the service may have taken (and charged for) it anyway.</summary>
    public bool MayHaveBeenCharged => State == CutoutTaskState.Failed && Task?.ErrorCode == SubmitOutcomeUnknown.Code;

    /// <summary>The Retry button's words: a retry that may be charged again says so.</summary>
    public string RetryText => MayHaveBeenCharged ? "Retry (may be charged again)" : "Retry";

    public bool CanCancel => Phase == UploadPhase.Submitted && State is { } s && !s.IsFinal();

    /// <summary>A short machine-readable state for styling and tests: checking, uploading, rejected, queued … succeeded.</summary>
    public string StateKey => Phase switch
    {
        UploadPhase.Checking => "checking",
        UploadPhase.Reading => "uploading",
        UploadPhase.Rejected => PendingRef is null ? "rejected" : "interrupted",
        _ => (State ?? CutoutTaskState.Queued).ToString().ToLowerInvariant(),
    };

    public string StatusText => Status(DateTimeOffset.UtcNow);

    /// <summary>The state in words at <paramref name="now"/> (a service that gives no percentage shows how long it has been waiting).</summary>
    public string Status(DateTimeOffset now) => Phase switch
    {
        UploadPhase.Checking => "Checking…",
        UploadPhase.Reading => ReadProgress > 0 ? $"Uploading · {ReadProgress:P0}" : "Uploading…",
        UploadPhase.Rejected => "Not sent",
        _ when Provider is { } p => TaskText.State(State ?? CutoutTaskState.Queued, Progress, p, sentAt is { } at ? now - at : null),
        _ => TaskText.State(State ?? CutoutTaskState.Queued, Progress),
    };

    /// <summary>The provider's description: chosen with the file, or looked up for a card restored from its task.</summary>
    public ProviderDescriptor? Provider
    {
        get => Choice?.Provider ?? provider;
        set => provider = value;
    }
    private ProviderDescriptor? provider;

    /// <summary>When the task was handed to its provider, as the server saw it: a service's wait is counted from here.</summary>
    private DateTimeOffset? sentAt;

    /// <summary>A service works and gives no percentage: the card's words count the seconds, so the page re-renders.</summary>
    public bool IsWaitingWithoutProgress => Phase == UploadPhase.Submitted && State == CutoutTaskState.Processing && Progress is null;

    /// <summary>0..100 for the progress bar: uploading fills the first tenth, the task the rest.</summary>
    public double BarValue => Phase switch
    {
        UploadPhase.Checking => 0,
        UploadPhase.Reading => Math.Round(ReadProgress * 10, 1),
        UploadPhase.Rejected => 100,
        _ => Math.Max(10, TaskText.ProgressValue(State ?? CutoutTaskState.Queued, Progress)),
    };

    /// <summary>The provider this card goes (or went) to: chosen with the file, or the task's own once it exists.</summary>
    public string? ProviderId => Task?.ProviderId ?? Choice?.Provider.Id;

    /// <summary>"PicWish · Remove background": shown on the card from the moment the file is given.</summary>
    public string? ProviderText => Task is { } t ? $"{t.ProviderName} · {TaskText.Operation(t.Operation)}"
        : Choice is { } c ? $"{c.Provider.DisplayName} · {TaskText.Operation(c.Operation)}" : null;

    public string? ThumbnailUrl =>
        (Succeeded ? TaskText.MainResult(Task!)?.ThumbnailUrl : null) ?? PreviewUrl ?? Task?.Source.ThumbnailUrl;

    /// <summary>A card for a task that already exists (found again after a reload).</summary>
    public static UploadItem FromTask(TaskView view)
    {
        var item = new UploadItem { FileName = view.Source.FileName, Size = view.Source.Bytes };
        item.Attach(view);
        return item;
    }

    /// <summary>
    /// The final card of a file that never arrived: the bytes were only in the browser's page that went away, so the
    /// only way on is to drop it again (Retry has nothing to send).
    /// </summary>
    public static UploadItem Interrupted(string fileName, string pendingRef)
    {
        var item = new UploadItem { FileName = fileName, PendingRef = pendingRef };
        item.Reject(InterruptedUploads.Message);
        return item;
    }

    public void StartReading()
    {
        Phase = UploadPhase.Reading;
        Error = null;
    }

    public void Reject(string message, IncomingImage? retained = null)
    {
        Phase = UploadPhase.Rejected;
        Error = message;
        Retained = retained;
    }

    /// <summary>The task as the service last described it (after submission, a retry or a final refresh).</summary>
    public void Attach(TaskView view)
    {
        var newTask = Task?.Id != view.Id;
        Task = view;
        Phase = UploadPhase.Submitted;
        Retained = null;
        if (newTask || !(State?.IsFinal() ?? false) || view.State.IsFinal())
        {
            State = view.State;
            Progress = view.Progress;
            Error = view.State is CutoutTaskState.Failed ? view.ErrorMessage ?? "The task failed." : null;
            Note = view.Note;
        }
        if (newTask)
        {
            lastChange = DateTimeOffset.MinValue;
            sentAt = null;
        }
        sentAt ??= view.SubmittedAt;
        if (Width == 0 && view.Source.Width > 0)
        {
            Width = view.Source.Width;
            Height = view.Source.Height;
        }
    }

    /// <summary>A live change; older or post-final changes are ignored (events may race with the submit's answer).</summary>
    public bool Apply(TaskChanged change)
    {
        if (Task?.Id != change.TaskId || change.At < lastChange || (State?.IsFinal() ?? false) && !change.State.IsFinal())
            return false;
        lastChange = change.At;
        if (change.State is CutoutTaskState.Submitting or CutoutTaskState.Processing)
            sentAt ??= change.At;
        State = change.State;
        Progress = change.Progress;
        Error = change.State == CutoutTaskState.Failed ? change.ErrorMessage ?? "The task failed." : null;
        Note = change.Note ?? Note;
        return true;
    }
}
