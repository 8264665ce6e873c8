using System.Security.Claims;
using BlazorCutout.Web.Account.Registration;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Admin;

/// <summary>
/// Issue #12 item 4: administrators see the invitations made, used and expired (who made each, for which team, when,
/// used by whom and when) on /admin/users, and a team invitation makes the new account a member of its team.
/// </summary>
public sealed class InvitationListTests
{
    [Fact]
    public async Task The_users_page_lists_open_used_and_expired_invitations_and_a_team_invitation_joins_its_team()
    {
        using var app = new AppFactory().WithSetting(RegistrationOptions.ModeKey, null); // invite, the default
        using var owner = app.CreateBrowser();
        await owner.RegisterSignedInAsync("owner@example.test", registerPath: TestBrowser.SetupPathFromLog(app.Logs.Lines));
        var teamId = await CreateTeamAsync(app, "Design");

        await InviteAsync(app, "owner@example.test", null);
        var forTeam = await InviteAsync(app, "owner@example.test", teamId);
        var stale = await InviteAsync(app, "owner@example.test", null);
        await ExpireAsync(app, stale);

        using (var newcomer = app.CreateBrowser())
            await newcomer.RegisterSignedInAsync("newcomer@example.test", registerPath: "/" + forTeam.RelativeLink);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var list = await scope.ServiceProvider.GetRequiredService<Invitations>().ListAsync();
            Assert.Equal(3, list.Count);
            Assert.All(list, i => Assert.Equal("owner@example.test", i.CreatedBy));
            var used = Assert.Single(list, i => i.State == InvitationState.Used);
            Assert.Equal(("Design", "newcomer@example.test"), (used.Team, used.UsedBy));
            Assert.NotNull(used.UsedUtc);
            var expired = Assert.Single(list, i => i.State == InvitationState.Expired);
            Assert.Null(expired.UsedBy);
            var open = Assert.Single(list, i => i.State == InvitationState.Open);
            Assert.Null(open.Team);

            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var newcomerId = (await db.Users.SingleAsync(u => u.Email == "newcomer@example.test")).Id;
            var membership = await db.TeamMemberships.SingleAsync(m => m.UserId == newcomerId);
            Assert.Equal((teamId, TeamRole.Member), (membership.TeamId, membership.Role));
        }

        // The page itself (prerendered) shows the list with the states and who used the team invitation.
        var page = System.Net.WebUtility.HtmlDecode(await owner.GetPageAsync("/admin/users"));
        Assert.Contains("data-testid=\"invitations-table\"", page);
        Assert.Contains("data-state=\"used\"", page);
        Assert.Contains("data-state=\"expired\"", page);
        Assert.Contains("data-state=\"open\"", page);
        Assert.Contains("newcomer@example.test", page);
        Assert.Contains("Design", page);
    }

    [Fact]
    public async Task An_invitation_for_a_team_that_no_longer_exists_is_refused_with_a_clear_message()
    {
        using var app = new AppFactory();
        using var owner = app.CreateBrowser();
        await owner.RegisterSignedInAsync("admin@example.test");
        await PromoteAsync(app, "admin@example.test");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => InviteAsync(app, "admin@example.test", Guid.NewGuid()));

        Assert.StartsWith("That team no longer exists; choose another or none.", error.Message);
    }

    private static async Task<Guid> CreateTeamAsync(AppFactory app, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var team = new Team { Id = Guid.NewGuid(), Name = name, NormalizedName = name.ToUpperInvariant(), CreatedUtc = DateTime.UtcNow };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }

    private static async Task PromoteAsync(AppFactory app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await users.AddToRoleAsync((await users.FindByEmailAsync(email))!, BlazorCutout.Web.Account.Roles.Admin);
    }

    private static async Task<Invitation> InviteAsync(AppFactory app, string creatorEmail, Guid? teamId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(creatorEmail);
        ClaimsPrincipal principal = await scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>().CreateUserPrincipalAsync(user!);
        return await scope.ServiceProvider.GetRequiredService<Invitations>().CreateAsync(principal, teamId);
    }

    private static async Task ExpireAsync(AppFactory app, Invitation invitation)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var newest = await db.Invitations.OrderByDescending(i => i.CreatedUtc).FirstAsync(i => i.ExpiresUtc == invitation.ExpiresUtc);
        newest.ExpiresUtc = DateTime.UtcNow.AddMinutes(-1);
        await db.SaveChangesAsync();
    }
}
