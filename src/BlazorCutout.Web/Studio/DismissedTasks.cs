using Microsoft.JSInterop;

namespace BlazorCutout.Web.Studio;

/// <summary>
/// The tasks whose Studio card the user removed ("×" or "Clear finished"), kept in the browser's localStorage under one
/// key per user (studio.js), so a reload does not bring them back. The list stays short: at each restore it keeps only
/// the tasks that could still come back (<see cref="RecentTasks.Candidates"/>); once a task could not, it never can again.
/// </summary>
/// <remarks>
/// The browser rather than the database: hiding a card is a view preference of this page, not a fact about the task
/// (History still lists it), and it needs no schema change. It does not follow the user to another browser.
/// </remarks>
public sealed class DismissedTasks(IJSObjectReference module, string userId, ILogger logger)
{
    /// <summary>Per user, so one user's pruning never forgets another's dismissals in a shared browser.</summary>
    public string Key { get; } = "blazorcutout.studio.dismissed." + userId;

    /// <summary>The stored ids; none when the browser cannot say (then the cards simply come back).</summary>
    public async Task<IReadOnlySet<Guid>> LoadAsync()
    {
        string[] stored = [];
        await BestEffortAsync(async () => stored = await module.InvokeAsync<string[]?>("readIds", Key) ?? []);
        return stored.Select(s => Guid.TryParse(s, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();
    }

    /// <summary>Adds to what is stored (another tab may have added its own since this page loaded).</summary>
    public Task AddAsync(IEnumerable<Guid> ids) => BestEffortAsync(() => module.InvokeVoidAsync("addIds", Key, Strings(ids)).AsTask());

    /// <summary>Forgets every stored id not among <paramref name="ids"/>.</summary>
    public Task KeepOnlyAsync(IEnumerable<Guid> ids) => BestEffortAsync(() => module.InvokeVoidAsync("keepIds", Key, Strings(ids)).AsTask());

    private static string[] Strings(IEnumerable<Guid> ids) => ids.Select(id => id.ToString()).ToArray();

    // A lost dismissal only brings a card back after a reload: never worth failing the page for.
    private async Task BestEffortAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or ObjectDisposedException or TaskCanceledException)
        {
            logger.LogDebug(ex, "The Studio's dismissed cards could not be read or stored in the browser.");
        }
    }
}
