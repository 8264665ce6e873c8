using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E;

public sealed class NewcomerJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Newcomer-Passw0rd!";

    [Fact]
    public async Task A_newcomer_registers_logs_in_sees_the_studio_and_logs_out()
    {
        var consoleErrors = new List<string>();
        var page = await fixture.NewPageAsync(consoleErrors);
        var email = $"newcomer-{Guid.NewGuid():N}@example.test";

        // Anyone arriving is sent to the login page.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "newcomer-1-login");

        // Register: the answer is the log-in page (the same for a taken address), and logging in lands in the Studio.
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create an account" })).ToBeVisibleAsync();
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password").FillAsync(Password);
        await BrowserFixture.ScreenshotAsync(page, "newcomer-2-register");
        await page.GetByTestId("register-submit").ClickAsync();
        await Expect(page.GetByTestId("registered-notice")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "newcomer-2b-registered");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studio" })).ToBeVisibleAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        // Log out from the header, then log in again.
        await page.GetByTestId("logout").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByTestId("login-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/studio$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studio" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("account-name")).ToHaveTextAsync(email);
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "newcomer-3-studio");

        // Interactive navigation through the sidebar works once the circuit is up.
        await page.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "History" })).ToBeVisibleAsync();

        await page.GetByTestId("logout").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.GotoAsync("/studio");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?ReturnUrl=%2Fstudio"));
        await page.Context.CloseAsync();

        // The security headers' CSP must not block anything Blazor or Radzen needs.
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task Wrong_passwords_and_unknown_pages_get_clear_messages()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("E-mail").FillAsync("nobody@example.test");
        await page.GetByLabel("Password").FillAsync("Wrong-Passw0rd!");
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("form-errors")).ToContainTextAsync("The e-mail address or password is not correct.");
        await BrowserFixture.ScreenshotAsync(page, "login-wrong-password");

        var response = await page.GotoAsync("/no/such/page");
        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "not-found");
        await page.Context.CloseAsync();
    }
}
