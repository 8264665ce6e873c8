using BlazorCutout.Providers;

namespace BlazorCutout.Web.Tasks;

// The boundary between the task pipeline and the pages that use it (Studio, History, later Gallery and Admin).
// Pages call ITaskService and listen to ITaskEvents; they never touch providers or the worker.

public enum CutoutTaskState { Queued, Submitting, Processing, Downloading, Succeeded, Failed, Canceled }

public static class CutoutTaskStates
{
    public static bool IsFinal(this CutoutTaskState state) =>
        state is CutoutTaskState.Succeeded or CutoutTaskState.Failed or CutoutTaskState.Canceled;
}

/// <summary>A stored image the current user may fetch. URLs point at our own authorised endpoints, never at a provider.</summary>
public sealed record TaskAssetView(
    Guid Id,
    TaskAssetRole Role,
    string ContentType,
    string FileName,
    int Width,
    int Height,
    long Bytes,
    string Url,
    string ThumbnailUrl,
    string DownloadUrl)
{
    /// <summary>0: what the provider returned; 1, 2…: touch-ups (erase/restore brush) made from it.</summary>
    public int Version { get; init; }

    /// <summary>For a touch-up, the provider's own result it replaces on screen (still stored and downloadable).</summary>
    public TaskAssetView? Original { get; init; }
}

public enum TaskAssetRole { Source, Result, Mask, BackgroundImage }

public sealed record TaskView(
    Guid Id,
    string ProviderId,
    string ProviderName,
    ProviderOperation Operation,
    CutoutTaskState State,
    int? Progress,
    string? ErrorCode,
    string? ErrorMessage,
    string? Note,
    decimal? Cost,
    string? CostUnit,
    bool CostEstimated,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? CompletedAt,
    TimeSpan? ProcessingTime,
    TaskAssetView Source,
    IReadOnlyList<TaskAssetView> Results,
    Guid? RetryOf)
{
    /// <summary>The cost is not known: the service charges, but no price was reported or configured ("price not set").</summary>
    public bool CostUnpriced { get; init; }
}

/// <summary>An image as the user gave it, not yet trusted: the service validates it before anything is stored.</summary>
public sealed record IncomingImage(string FileName, string? ContentType, byte[] Bytes);

public sealed record NewTaskRequest(
    string ProviderId,
    ProviderOperation Operation,
    JobOptions Options,
    IncomingImage Source,
    IncomingImage? BackgroundImage = null,
    /// <summary>The team the task is run for (its cost counts against it); null: personal. The user must be a member.</summary>
    Guid? TeamId = null);

/// <summary>A refusal written for the user (wrong type, too large, provider unavailable…); nothing was stored.</summary>
public sealed class TaskRejectedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// A page of one user's tasks. Creation times are bounded by instants (from inclusive, before exclusive), so the caller
/// decides what a day is: History means the user's local days (<c>HistoryFilters</c>).
/// </summary>
public sealed record TaskQuery(
    CutoutTaskState? State = null,
    string? ProviderId = null,
    ProviderOperation? Operation = null,
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedBefore = null,
    int Skip = 0,
    int Take = 20,
    TaskOrder OrderBy = TaskOrder.Created,
    bool Ascending = false);

/// <summary>What a task list is sorted by; ties are broken newest first.</summary>
public enum TaskOrder { Created, State, Provider, Operation }

public sealed record TaskPage(IReadOnlyList<TaskView> Items, int Total);

/// <summary>A provider as the picker shows it: what it can do and, when it can't be used now, why.</summary>
public sealed record ProviderChoice(ProviderDescriptor Descriptor, bool IsAvailable, string? UnavailableReason, bool IsDefault);

/// <summary>One state change, as pushed to the owner's pages and hub connections.</summary>
public sealed record TaskChanged(Guid TaskId, string OwnerId, CutoutTaskState State, int? Progress, string? ErrorMessage, DateTimeOffset At, string? Note = null);

public interface ITaskService
{
    IReadOnlyList<ProviderChoice> Providers();

    /// <summary>Validates (format, size, pixels, options, provider capability), stores the source and writes a Queued task. Throws <see cref="TaskRejectedException"/>.</summary>
    Task<TaskView> SubmitAsync(string userId, NewTaskRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches an image URL given by the user through the URL guard, up to what the provider accepts, within the
    /// per-user and overall caps on fetches at once. Throws <see cref="TaskRejectedException"/> with the reason.
    /// </summary>
    /// <param name="progress">Told the bytes received so far.</param>
    Task<IncomingImage> FetchImageAsync(string userId, string providerId, string url, IProgress<long>? progress = null, CancellationToken cancellationToken = default);

    Task<TaskView?> GetAsync(string userId, Guid taskId, CancellationToken cancellationToken = default);
    Task<TaskPage> QueryAsync(string userId, TaskQuery query, CancellationToken cancellationToken = default);
    Task<bool> CancelAsync(string userId, Guid taskId, CancellationToken cancellationToken = default);
    /// <summary>Queues a new task with the same source, provider and options; returns it.</summary>
    Task<TaskView?> RetryAsync(string userId, Guid taskId, CancellationToken cancellationToken = default);
    /// <summary>Deletes the task and its assets (cancelling it first if it is still running).</summary>
    Task<bool> DeleteAsync(string userId, Guid taskId, CancellationToken cancellationToken = default);
}

public enum GalleryChangeKind { Shared, Unshared, Updated }

/// <summary>A task entered, left or changed (tags) a team's gallery: pushed to that team's members only.</summary>
public sealed record GalleryChanged(Guid TaskId, Guid TeamId, GalleryChangeKind Kind, DateTimeOffset At);

/// <summary>In-process subscription to one user's task changes (what Blazor pages use); the SignalR hub is fed from the same source.</summary>
public interface ITaskEvents
{
    IDisposable Subscribe(string userId, Func<TaskChanged, Task> handler);

    /// <summary>
    /// Gallery changes of every team; the handler must re-read through <c>ItemAccess</c> (the gallery page does), so a
    /// subscriber learns only that something changed, never what it may not see.
    /// </summary>
    IDisposable SubscribeGallery(Func<GalleryChanged, Task> handler);
}
