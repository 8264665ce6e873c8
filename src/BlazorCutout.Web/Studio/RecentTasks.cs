using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Studio;

/// <summary>
/// Which of the user's tasks the Studio brings back as live cards after a reload (or coming back from another page):
/// those still running and those that finished lately, unless the user removed their card. The rest is in History.
/// </summary>
public static class RecentTasks
{
    /// <summary>
    /// The newest tasks looked at: five full drops (<see cref="StudioPage.MaxFilesPerDrop"/>), so someone who dropped a
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
}
