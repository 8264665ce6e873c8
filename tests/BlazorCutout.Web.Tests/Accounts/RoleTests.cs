using System.Net;
using BlazorCutout.Web.Tests.Support;

namespace BlazorCutout.Web.Tests.Accounts;

/// <summary>Each test starts from an empty database: "first account" is what is under test.</summary>
public sealed class RoleTests
{
    [Fact]
    public async Task The_account_made_with_the_setup_link_is_admin_and_a_registered_one_is_a_member_who_gets_403_on_admin_pages()
    {
        using var app = new AppFactory();
        using var first = app.CreateBrowser();
        using var second = app.CreateBrowser();
        var firstEmail = TestBrowser.UniqueEmail("first");
        var secondEmail = TestBrowser.UniqueEmail("second");
        _ = app.Services; // start: the setup link is logged once the server runs

        await first.RegisterSignedInAsync(firstEmail, registerPath: TestBrowser.SetupPathFromLog(app.Logs.Lines));
        await second.RegisterSignedInAsync(secondEmail);

        var adminPage = await first.GetPageAsync("/admin");
        Assert.Contains(">Admin</h1>", adminPage);
        Assert.Contains(firstEmail, adminPage);
        Assert.Contains(secondEmail, adminPage); // the placeholder lists every account

        using var denied = await second.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("Access denied", await denied.Content.ReadAsStringAsync());

        // Only admins see the Admin entry in the navigation.
        Assert.Contains("href=\"admin\"", await first.GetPageAsync("/studio"));
        Assert.DoesNotContain("href=\"admin\"", await second.GetPageAsync("/studio"));
    }

    [Fact]
    public async Task An_admin_seeded_from_configuration_is_admin_and_the_first_registered_account_is_a_member()
    {
        const string adminEmail = "owner@example.test";
        const string adminPassword = "Seeded-Adm1n-Passw0rd!";
        using var app = new AppFactory()
            .WithSetting("BlazorCutout:Admin:Email", adminEmail)
            .WithSetting("BlazorCutout:Admin:Password", adminPassword);

        using var admin = app.CreateBrowser();
        using var login = await admin.LoginAsync(adminEmail, adminPassword);
        HttpAssert.RedirectsTo(login, "/studio");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin")).StatusCode);

        using var member = app.CreateBrowser();
        await member.RegisterSignedInAsync(TestBrowser.UniqueEmail());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/admin")).StatusCode);
    }
}
