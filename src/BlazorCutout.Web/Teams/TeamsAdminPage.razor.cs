using System.Security.Claims;
using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BlazorCutout.Web.Teams;

/// <summary>Admin → Teams: create, rename, delete teams; add members, set their role, remove them. <see cref="TeamDirectory"/> checks the role again.</summary>
public sealed partial class TeamsAdminPage
{
    [Inject] private TeamDirectory Directory { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private string actorId = "";
    private IReadOnlyList<TeamView>? teams;
    private TeamView? current;
    private IReadOnlyList<TeamMemberView> teamMembers = [];
    private string? newName;
    private string? renameTo;
    private string? memberEmail;
    private TeamRole memberRole = TeamRole.Member;
    private bool confirmDelete;
    private string? message;
    private bool failed;

    protected override async Task OnInitializedAsync()
    {
        actorId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        await RunAsync(() => Task.FromResult<string?>(null));
    }

    private Task CreateAsync() => RunAsync(async () =>
    {
        var team = await Directory.CreateAsync(actorId, newName ?? "");
        newName = null;
        return $"Team “{team.Name}” created.";
    });

    private async Task SelectAsync(TeamView team)
    {
        current = team;
        renameTo = team.Name;
        confirmDelete = false;
        message = null;
        teamMembers = await Directory.MembersAsync(actorId, team.Id);
    }

    private Task RenameAsync() => RunAsync(async () =>
    {
        await Directory.RenameAsync(actorId, current!.Id, renameTo ?? "");
        return "Team renamed.";
    });

    private Task DeleteAsync()
    {
        if (!confirmDelete)
        {
            confirmDelete = true;
            return Task.CompletedTask;
        }
        return RunAsync(async () =>
        {
            var name = current!.Name;
            var unshared = await Directory.DeleteAsync(actorId, current.Id);
            current = null;
            return $"Team “{name}” deleted; {unshared} item(s) went back to their owners, unshared.";
        });
    }

    private Task AddMemberAsync() => RunAsync(async () =>
    {
        await Directory.AddMemberAsync(actorId, current!.Id, memberEmail ?? "", memberRole);
        var email = memberEmail?.Trim();
        memberEmail = null;
        return $"{email} is in the team as {(memberRole == TeamRole.Lead ? "team lead" : "member")}.";
    });

    private Task RemoveMemberAsync(TeamMemberView member) => RunAsync(async () =>
    {
        await Directory.RemoveMemberAsync(actorId, current!.Id, member.UserId);
        return $"{member.Email} was removed from the team.";
    });

    /// <summary>Runs an action, shows its outcome, and re-reads the lists; a refusal changed nothing and keeps the form.</summary>
    private async Task RunAsync(Func<Task<string?>> action)
    {
        try
        {
            message = await action();
            failed = false;
        }
        catch (TaskRejectedException e)
        {
            message = e.Message;
            failed = true;
        }
        confirmDelete = false;
        teams = await Directory.ListAsync(actorId);
        current = current is null ? null : teams.FirstOrDefault(t => t.Id == current.Id);
        teamMembers = current is null ? [] : await Directory.MembersAsync(actorId, current.Id);
    }
}
