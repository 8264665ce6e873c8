using System.Net;
using BlazorCutout.Web.Tests.Support;

namespace BlazorCutout.Web.Tests.Admin;

/// <summary>Every admin page and endpoint: 403 for Members, a login redirect (pages) or 401 (endpoints) for anonymous callers.</summary>
public sealed class AdminAccessTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static readonly string[] PagePaths = ["/admin", "/admin/usage", "/admin/users", "/admin/providers"];
    public static TheoryData<string> Pages => new(PagePaths);
    private const string Export = "/admin/usage/export.csv?from=2026-01-01&to=2026-01-31";

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Anonymous_visitors_of_admin_pages_are_sent_to_the_login(string path)
    {
        using var browser = app.CreateBrowser();
        using var response = await browser.GetAsync(path);
        HttpAssert.RedirectsTo(response, "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(path));
    }

    [Fact]
    public async Task Anonymous_callers_of_the_export_get_a_bare_401()
    {
        using var browser = app.CreateBrowser();
        using var response = await browser.GetAsync(Export);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Members_get_403_on_every_admin_page_and_endpoint_and_admins_get_them()
    {
        // Registration only makes Members: the Admin is seeded from configuration, as an install does.
        const string adminEmail = "owner@example.test", adminPassword = "Seeded-Adm1n-Passw0rd!";
        using var seeded = new AppFactory()
            .WithSetting("BlazorCutout:Admin:Email", adminEmail)
            .WithSetting("BlazorCutout:Admin:Password", adminPassword);
        using var admin = seeded.CreateBrowser();
        using (var login = await admin.LoginAsync(adminEmail, adminPassword))
            HttpAssert.RedirectsTo(login, "/studio");
        using var member = seeded.CreateBrowser();
        await member.RegisterSignedInAsync(TestBrowser.UniqueEmail("member"));
        foreach (var path in PagePaths.Append(Export))
        {
            using var denied = await member.GetAsync(path);
            Assert.True(HttpStatusCode.Forbidden == denied.StatusCode, $"{path}: {denied.StatusCode}");
            using var allowed = await admin.GetAsync(path);
            Assert.True(HttpStatusCode.OK == allowed.StatusCode, $"{path}: {allowed.StatusCode}");
        }
    }
}
