using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BlazorCutout.Web.Teams;

public sealed partial class TeamPicker
{
    [Inject] private IMyTeams Teams { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter] public Guid? TeamId { get; set; }
    [Parameter] public EventCallback<Guid?> TeamIdChanged { get; set; }

    private IReadOnlyList<MyTeam> teams = [];

    protected override async Task OnInitializedAsync()
    {
        var userId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!string.IsNullOrEmpty(userId)) teams = await Teams.MineAsync(userId);
    }

    private Task OnChanged(Guid? value) => TeamIdChanged.InvokeAsync(value);
}
