using System.Security.Claims;
using Bunit;
using BlazorCutout.Web.Account.Registration;
using BlazorCutout.Web.Admin;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace BlazorCutout.Web.Tests.Admin;

/// <summary>The invitation panel itself: a click makes a link and the list below shows it as open.</summary>
public sealed class InvitationPanelTests
{
    [Fact]
    public async Task Creating_an_invitation_shows_the_link_once_and_lists_it_as_open()
    {
        using var app = new AppFactory();
        using (var admin = app.CreateBrowser())
            await admin.RegisterSignedInAsync("panel-admin@example.test");
        string adminId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByEmailAsync("panel-admin@example.test"))!;
            await users.AddToRoleAsync(user, BlazorCutout.Web.Account.Roles.Admin);
            adminId = user.Id;
        }

        await using var appScope = app.Services.CreateAsyncScope();
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(appScope.ServiceProvider.GetRequiredService<Invitations>());
        var auth = context.AddAuthorization();
        auth.SetAuthorized("panel-admin@example.test");
        auth.SetRoles(BlazorCutout.Web.Account.Roles.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, adminId));
        context.Render<MudPopoverProvider>();
        var panel = context.Render<InvitationPanel>();
        panel.WaitForAssertion(() => panel.Find("[data-testid=no-invitations]"));

        await panel.Find("[data-testid=create-invitation]").ClickAsync(new());

        panel.WaitForAssertion(() => Assert.Contains("Account/Register?invite=", panel.Find("[data-testid=invitation-link] code").TextContent));
        var row = panel.Find("[data-testid=invitations-table] tr[data-state=open]");
        Assert.Contains("panel-admin@example.test", row.TextContent);
        Assert.Contains("—", row.QuerySelector("[data-testid=used-by]")!.TextContent);
    }
}
