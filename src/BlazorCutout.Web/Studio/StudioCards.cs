using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;

namespace BlazorCutout.Web.Studio;

/// <summary>
/// The cards on the Studio's table, newest first, and the one whose result is shown: each card follows its task live
/// (<see cref="ITaskEvents"/>), and asks the task service on its behalf (submit, retry, cancel, reload).
/// </summary>
/// <param name="changed">Re-renders the page once a submission has an answer.</param>
public sealed class StudioCards(ITaskService tasks, ILogger logger, Action changed)
{
    private readonly List<UploadItem> items = [];
    private readonly Dictionary<Guid, TaskChanged> latest = [];
    private PendingUploads? pending;

    /// <summary>Whose tasks these are: set once the page knows the signed-in user.</summary>
    public string UserId { get; set; } = "";

    public IReadOnlyList<UploadItem> Items => items;

    public UploadItem? Viewed { get; private set; }

    /// <summary>The finished cards' tasks for "Download all": newest first, as many as one archive takes.</summary>
    public IReadOnlyList<TaskView> Finished => items.Where(i => i.Succeeded).Select(i => i.Task!).Take(AssetArchive.MaxTasks).ToList();

    /// <summary>
    /// The card of the last batch when that batch was one image: its result opens big as soon as it is ready. A batch
    /// of several stays a grid (opening each in turn would pull the page from under the user).
    /// </summary>
    private UploadItem? opensWhenDone;

    /// <summary>"4 images: 2 done, 1 failed, 1 canceled": each count says exactly what it counts.</summary>
    public string Summary
    {
        get
        {
            var parts = new List<string>(5);
            void Part(int n, string what) { if (n > 0) parts.Add($"{n} {what}"); }
            Part(items.Count(i => i.IsRunning), "in progress");
            Part(items.Count(i => i.Succeeded), "done");
            Part(items.Count(i => i.Phase == UploadPhase.Rejected || i.State == CutoutTaskState.Failed), "failed");
            Part(items.Count(i => i.State == CutoutTaskState.Canceled), "canceled");
            return parts.Count == 0 ? TaskText.Count(items.Count, "image") : $"{TaskText.Count(items.Count, "image")}: {string.Join(", ", parts)}";
        }
    }

    public void Add(UploadItem item)
    {
        items.Insert(0, item);
        opensWhenDone = item;
    }

    public void Add(IReadOnlyList<UploadItem> batch)
    {
        if (batch.Count == 0)
            return; // nothing new (the batch's cards were announced): the choice of what opens stands
        items.InsertRange(0, batch);
        opensWhenDone = batch.Count == 1 ? batch[0] : null;
    }

    public void Remove(UploadItem item) => items.Remove(item);

    public void Show(UploadItem item)
    {
        if (item.Succeeded)
            Viewed = item;
    }

    /// <summary>Back to the grid.</summary>
    public void Close() => Viewed = null;

    /// <summary>The next (+1) or previous (-1) shown result in the grid's order (what the arrow keys step through), wrapping; false when there is nothing to move to.</summary>
    public bool Step(int direction)
    {
        var results = items.Where(i => i.Succeeded).ToList();
        if (results.Count == 0 || Viewed is null)
            return false;
        var at = results.IndexOf(Viewed);
        var next = results[((at < 0 ? 0 : at + direction) % results.Count + results.Count) % results.Count];
        if (next == Viewed)
            return false;
        Viewed = next;
        return true;
    }

    public async Task SubmitAsync(UploadItem item, NewTaskRequest request)
    {
        try
        {
            var view = await tasks.SubmitAsync(UserId, request);
            item.Attach(view);
            await CatchUpAsync(item);
        }
        catch (TaskRejectedException ex)
        {
            item.Reject(ex.Message, request.Source);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Submitting {File} failed", request.Source.FileName);
            item.Reject("Something went wrong while sending this image. Try again in a moment.", request.Source);
        }
        changed();
    }

    /// <summary>Runs the card's task again (a card refused before any task existed is submitted afresh instead).</summary>
    public async Task RetryAsync(UploadItem item)
    {
        if (item.Task is not { } task)
            return;
        try
        {
            if (await tasks.RetryAsync(UserId, task.Id) is { } view)
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

    public async Task CancelAsync(UploadItem item)
    {
        if (item.Task is { } task)
            await tasks.CancelAsync(UserId, task.Id);
    }

    /// <summary>Applies a live change to its card; true when the card changed (and needs a render).</summary>
    public async Task<bool> ApplyAsync(TaskChanged change)
    {
        if (!latest.TryGetValue(change.TaskId, out var known) || known.At <= change.At)
            latest[change.TaskId] = change;
        var item = items.FirstOrDefault(i => i.Task?.Id == change.TaskId);
        if (item is null || !item.Apply(change))
            return false;
        if (change.State.IsFinal())
            await RefreshAsync(item);
        return true;
    }

    /// <summary>
    /// After a reload (or coming back from another page) the table shows the <see cref="RecentTasks"/> whose cards the
    /// user did not remove, as cards that follow their tasks live like new ones, and, last, a card that says so for
    /// each file of an earlier drop that never arrived (<see cref="PendingUploads"/>).
    /// </summary>
    public async Task RestoreAsync(DismissedTasks? dismissed, PendingUploads? pendingUploads, DateTimeOffset now)
    {
        var (candidates, restored) = await RecentTasks.LoadAsync(tasks, UserId, dismissed, now, logger);
        foreach (var view in restored)
        {
            if (items.Any(i => i.Task?.Id == view.Id))
                continue;
            var item = UploadItem.FromTask(view);
            item.Provider = tasks.Providers().FirstOrDefault(p => p.Descriptor.Id == view.ProviderId)?.Descriptor;
            items.Add(item);
            // A change that arrived while the page was loading: apply it, and load the results if it ended the task.
            if (latest.TryGetValue(view.Id, out var change) && item.Apply(change) && change.State.IsFinal())
                await RefreshAsync(item);
        }
        if ((pending = pendingUploads) is not null)
        {
            // Matched against every recent task, removed cards too: a file that arrived is never called interrupted.
            var interrupted = InterruptedUploads.Find(await pending.LoadAsync(RecentTasks.Window), candidates);
            items.AddRange(interrupted.Select(x => UploadItem.Interrupted(x.FileName, x.Ref)));
            await pending.KeepOnlyAsync(interrupted.Select(x => x.Ref));
        }
    }

    /// <summary>Takes cards off the table for good: a reload does not bring their tasks back (they stay in History).</summary>
    public async Task RemoveAsync(IReadOnlyList<UploadItem> removed, DismissedTasks? dismissed)
    {
        items.RemoveAll(removed.Contains);
        if (Viewed is not null && !items.Contains(Viewed))
            Viewed = null;
        var ids = removed.Select(i => i.Task?.Id).OfType<Guid>().ToList();
        if (dismissed is not null && ids.Count > 0)
            await dismissed.AddAsync(ids);
        if (pending is not null && removed.Any(i => i.PendingRef is not null))
            await pending.KeepOnlyAsync(items.Select(i => i.PendingRef).OfType<string>());
    }

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
            if (await tasks.GetAsync(UserId, task.Id) is { } view)
                item.Attach(view);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Loading task {TaskId} failed", task.Id);
        }
        if (item.Succeeded && item == opensWhenDone)
        {
            opensWhenDone = null;
            Viewed = item;
        }
    }
}
