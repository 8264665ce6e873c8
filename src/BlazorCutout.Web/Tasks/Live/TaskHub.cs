using System.Security.Claims;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Teams;
using BlazorCutout.Web.Teams.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace BlazorCutout.Web.Tasks.Live;

/// <summary>
/// <c>/hubs/tasks</c>: pushes <c>TaskChanged(TaskChanged)</c> to the signed-in user's connections. The group comes from
/// the authenticated principal when the connection opens, never from anything the client sends, so a user only ever
/// hears about their own tasks. The connection also joins the group of each team the user is a member of (from
/// <see cref="ItemAccess.MemberTeams"/>; <see cref="TeamHubGroups"/> keeps that current) and hears
/// <c>GalleryChanged(GalleryChanged)</c> for that team's shares and unshares. Clients call nothing; they receive
/// <c>Subscribed()</c> once the groups are joined.
/// </summary>
[Authorize]
public sealed class TaskHub(IDbContextFactory<AppDbContext> dbFactory, TeamHubGroups teamGroups) : Hub
{
    public const string Path = "/hubs/tasks";
    public const string TaskChangedMethod = "TaskChanged";
    public const string GalleryChangedMethod = "GalleryChanged";
    /// <summary>
    /// SignalR answers the handshake before <see cref="OnConnectedAsync"/> joins the group, so a client that acts
    /// straight after connecting could miss its first events; this message says the subscription is in place.
    /// </summary>
    public const string SubscribedMethod = "Subscribed";

    public static string GroupFor(string userId) => "user:" + userId;

    public static string GroupFor(Guid teamId) => "team:" + teamId.ToString("N");

    public override async Task OnConnectedAsync()
    {
        var userId = Context.User?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(userId))
        {
            Context.Abort();
            return;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(userId));
        // Registered before the memberships are read: a membership change in between moves this connection too.
        teamGroups.Opened(userId, Context.ConnectionId);
        await using (var db = await dbFactory.CreateDbContextAsync(Context.ConnectionAborted))
        {
            foreach (var teamId in await ItemAccess.MemberTeams(db, userId).Select(t => t.Id).ToListAsync(Context.ConnectionAborted))
                await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(teamId));
        }
        await base.OnConnectedAsync();
        await Clients.Caller.SendAsync(SubscribedMethod);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.User?.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } userId)
            teamGroups.Closed(userId, Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
