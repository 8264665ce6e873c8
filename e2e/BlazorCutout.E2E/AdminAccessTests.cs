using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E;

/// <summary>Its own app (fresh database): the first administrator (from the start-up log's set-up link) and who comes after.</summary>
public sealed class AdminAccessTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Account-Passw0rd!";

    [Fact]
    public async Task The_set_up_link_makes_the_admin_who_invites_a_second_account_that_does_not_reach_the_admin_page()
    {
        var firstEmail = $"first-{Guid.NewGuid():N}@example.test";
        var secondEmail = $"second-{Guid.NewGuid():N}@example.test";

        var first = await fixture.NewRegisteredPageAsync(firstEmail, Password, Accounts.SetupPath(fixture.App));
        await first.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Admin" })).ToBeVisibleAsync();
        await Expect(first.GetByTestId("users-grid")).ToContainTextAsync(firstEmail);
        await BrowserFixture.WaitUntilInteractiveAsync(first);
        await first.GetByTestId("create-invitation").ClickAsync();
        // Generous: under the full suite the circuit shares 2 cores with the engine-heavy journeys.
        var link = await first.GetByTestId("invitation-link").Locator("code").InnerTextAsync(new() { Timeout = 60_000 });
        await BrowserFixture.ScreenshotAsync(first, "admin-invitation");

        var second = await fixture.NewRegisteredPageAsync(secondEmail, Password, new Uri(link).PathAndQuery);
        await Expect(second.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToHaveCountAsync(0);
        var denied = await second.GotoAsync("/admin");
        Assert.Equal(403, denied!.Status);
        await Expect(second.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(second, "admin-denied-for-member");

        // The admin's list now shows both accounts with their roles.
        await first.ReloadAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(first);
        var grid = first.GetByTestId("users-grid");
        await Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = firstEmail })).ToContainTextAsync("Admin");
        await Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = secondEmail })).ToContainTextAsync("Member");
        await BrowserFixture.ScreenshotAsync(first, "admin-users");

        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }
}
