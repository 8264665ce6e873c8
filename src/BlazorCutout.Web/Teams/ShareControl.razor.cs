using System.Security.Claims;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BlazorCutout.Web.Teams;

public sealed partial class ShareControl
{
    [Inject] private ITeamSharing Sharing { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter, EditorRequired] public Guid TaskId { get; set; }
    /// <summary>The task's state: the controls appear once it has succeeded.</summary>
    [Parameter] public CutoutTaskState State { get; set; }

    private string userId = "";
    private ShareState? state;
    private Guid? chosen;
    private string? tagText;
    private string? message;
    private bool failed;
    private bool busy;
    private (Guid, CutoutTaskState)? loadedFor;

    protected override async Task OnParametersSetAsync()
    {
        if (loadedFor == (TaskId, State)) return;
        loadedFor = (TaskId, State);
        userId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        message = null;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        state = userId.Length == 0 ? null : await Sharing.StateAsync(userId, TaskId);
        chosen = state?.SharedToId ?? state?.Teams.FirstOrDefault()?.Id;
        tagText = state is null ? null : string.Join(", ", state.Tags);
    }

    private Task ShareAsync() => RunAsync(async () =>
    {
        await Sharing.ShareAsync(userId, TaskId, chosen ?? Guid.Empty);
        return "Shared to the team's gallery.";
    });

    private Task UnshareAsync() => RunAsync(async () =>
    {
        await Sharing.UnshareAsync(userId, TaskId);
        return "Taken out of the team's gallery.";
    });

    private Task SaveTagsAsync() => RunAsync(async () =>
    {
        var saved = await Sharing.SetTagsAsync(userId, TaskId, (tagText ?? "").Split(','));
        return saved.Count == 0 ? "Tags removed." : $"Tags saved: {string.Join(", ", saved)}.";
    });

    private async Task RunAsync(Func<Task<string>> action)
    {
        busy = true;
        try
        {
            message = await action();
            failed = false;
            await LoadAsync();
        }
        catch (TaskRejectedException e)
        {
            // Our own words; nothing was changed, so the form keeps what the user typed.
            message = e.Message;
            failed = true;
        }
        finally
        {
            busy = false;
        }
    }
}
