using BlazorCutout.Web.Account;
using BlazorCutout.Web.Layout;
using Bunit;
using MudBlazor.Services;

namespace BlazorCutout.Web.Tests.Components;

public sealed class NavMenuTests
{
    [Fact]
    public async Task An_admin_sees_every_section_including_admin()
    {
        await using var context = SignedIn("admin@example.test", Roles.Admin);

        var menu = context.Render<NavMenu>();

        foreach (var (href, text) in new[] { ("studio", "Studio"), ("history", "History"), ("gallery", "Gallery"), ("admin", "Admin") })
        {
            var link = menu.Find($"a[href='{href}']");
            Assert.Contains(text, link.TextContent);
            Assert.Contains("mud-nav-link", link.ClassName); // rendered by MudBlazor, not plain links
        }
    }

    [Fact]
    public async Task A_member_does_not_see_the_admin_section()
    {
        await using var context = SignedIn("member@example.test", Roles.Member);

        var menu = context.Render<NavMenu>();

        Assert.Single(menu.FindAll("a[href='studio']"));
        Assert.Empty(menu.FindAll("a[href='admin']"));
    }

    private static BunitContext SignedIn(string name, string role)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        var auth = context.AddAuthorization();
        auth.SetAuthorized(name);
        auth.SetRoles(role);
        return context;
    }
}
