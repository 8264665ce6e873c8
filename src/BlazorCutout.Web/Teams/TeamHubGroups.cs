using System.Collections.Concurrent;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.SignalR;

namespace BlazorCutout.Web.Teams;

/// <summary>
/// Keeps each open <see cref="TaskHub"/> connection in the hub groups of the teams its user is in *now*: a connection
/// joins its teams when it opens, and <see cref="TeamDirectory"/> moves every open connection of a user when that user
/// is added to or removed from a team, so a former member stops hearing the team's events at once, not at reconnect.
/// </summary>
public sealed class TeamHubGroups(IHubContext<TaskHub> hub)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _connections = new(StringComparer.Ordinal);

    public void Opened(string userId, string connectionId) =>
        _connections.GetOrAdd(userId, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal))[connectionId] = 0;

    public void Closed(string userId, string connectionId)
    {
        if (_connections.TryGetValue(userId, out var set)) set.TryRemove(connectionId, out _);
    }

    public Task JoinedAsync(string userId, Guid teamId) =>
        ForEachConnection(userId, c => hub.Groups.AddToGroupAsync(c, TaskHub.GroupFor(teamId)));

    public Task LeftAsync(string userId, Guid teamId) =>
        ForEachConnection(userId, c => hub.Groups.RemoveFromGroupAsync(c, TaskHub.GroupFor(teamId)));

    private async Task ForEachConnection(string userId, Func<string, Task> action)
    {
        if (!_connections.TryGetValue(userId, out var set)) return;
        foreach (var connectionId in set.Keys) await action(connectionId);
    }
}
