using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Studio;

/// <summary>
/// Which of the user's tasks the Studio brings back as live cards after a reload (or coming back from another page):
/// those still running and those that finished lately, unless the user removed their card. The rest is in History.
/// </summary>
public static class RecentTasks
{
    /// <summary>
    /// The newest tasks looked at: five full drops (<see cref="UploadIntake.MaxFilesPerDrop"/>), so someone who dropped a
    /// few dozen files finds every card again, while a table longer than that is what History is for.
    /// </summary>
    public const int Limit = 100;

    /// <summary>A finished task comes back when it finished within this window; a running one, whatever its age.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(30);

    /// <summary>The query for the candidates: the user's newest tasks, newest first.</summary>
    public static TaskQuery Query { get; } = new(Take: Limit);

    /// <summary>The tasks, among the newest first <paramref name="newest"/>, that can come back at <paramref name="now"/>, dismissed or not.</summary>
    public static IReadOnlyList<TaskView> Candidates(IEnumerable<TaskView> newest, DateTimeOffset now)
    {
        var since = now - Window;
        return newest.Where(v => !v.State.IsFinal() || (v.CompletedAt ?? v.CreatedAt) >= since).ToList();
    }

    /// <summary>The candidates that come back as cards, in the same order.</summary>
    public static IReadOnlyList<TaskView> Restored(IEnumerable<TaskView> candidates, IReadOnlySet<Guid> dismissed) =>
        candidates.Where(v => !dismissed.Contains(v.Id)).ToList();

    /// <summary>
    /// The user's tasks that could come back at <paramref name="now"/> and those that do come back as cards (the
    /// candidates whose card was not removed), newest first; none when they cannot be loaded. Prunes
    /// <paramref name="dismissed"/> to the candidates on the way.
    /// </summary>
    public static async Task<(IReadOnlyList<TaskView> Candidates, IReadOnlyList<TaskView> Restored)> LoadAsync(ITaskService tasks, string userId, DismissedTasks? dismissed, DateTimeOffset now, ILogger logger)
    {
        var hidden = dismissed is null ? new HashSet<Guid>() : await dismissed.LoadAsync();
        IReadOnlyList<TaskView> candidates;
        try
        {
            candidates = Candidates((await tasks.QueryAsync(userId, Query)).Items, now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Loading the recent tasks failed");
            return ([], []);
        }
        if (dismissed is not null && hidden.Count > 0)
            await dismissed.KeepOnlyAsync(candidates.Select(v => v.Id));
        return (candidates, Restored(candidates, hidden));
    }
}
