using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace BlazorCutout.Web.Tasks;

/// <summary>
/// <c>/hubs/tasks</c>: pushes <c>TaskChanged(TaskChanged)</c> to the signed-in user's connections. The group comes from
/// the authenticated principal when the connection opens, never from anything the client sends, so a user only ever
/// hears about their own tasks. Clients call nothing; they receive <c>Subscribed()</c> once the group is joined.
/// </summary>
[Authorize]
public sealed class TaskHub : Hub
{
    public const string Path = "/hubs/tasks";
    public const string TaskChangedMethod = "TaskChanged";
    /// <summary>
    /// SignalR answers the handshake before <see cref="OnConnectedAsync"/> joins the group, so a client that acts
    /// straight after connecting could miss its first events; this message says the subscription is in place.
    /// </summary>
    public const string SubscribedMethod = "Subscribed";

    public static string GroupFor(string userId) => "user:" + userId;

    public override async Task OnConnectedAsync()
    {
        var userId = Context.User?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(userId))
        {
            Context.Abort();
            return;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(userId));
        await base.OnConnectedAsync();
        await Clients.Caller.SendAsync(SubscribedMethod);
    }
}
