using BlazorCutout.Web.Account;
using BlazorCutout.Web.Layout;

namespace BlazorCutout.Web.Tests.Components;

public sealed class NavMenuTests
{
    [Fact]
    public async Task An_admin_sees_every_section_including_admin()
    {
        await using var renderer = new ComponentRenderer(ComponentRenderer.SignedIn("admin@example.test", Roles.Admin));

        var html = await renderer.RenderAsync<NavMenu>();

        foreach (var (href, text) in new[] { ("studio", "Studio"), ("history", "History"), ("gallery", "Gallery"), ("admin", "Admin") })
        {
            Assert.Contains($"href=\"{href}\"", html);
            Assert.Contains(text, html);
        }
        Assert.Contains("rz-panel-menu", html); // rendered by Radzen, not plain links
    }

    [Fact]
    public async Task A_member_does_not_see_the_admin_section()
    {
        await using var renderer = new ComponentRenderer(ComponentRenderer.SignedIn("member@example.test", Roles.Member));

        var html = await renderer.RenderAsync<NavMenu>();

        Assert.Contains("href=\"studio\"", html);
        Assert.DoesNotContain("href=\"admin\"", html);
    }
}
