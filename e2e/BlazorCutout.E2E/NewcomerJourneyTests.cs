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

        // Log out from the account menu in the app bar, then log in again.
        await LogOutAsync(page);
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

        // The other pages of a member, in both themes: the gallery and the (statically rendered) password form.
        await page.GetByRole(AriaRole.Link, new() { Name = "Gallery" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Gallery" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "newcomer-4-gallery");
        await page.GotoAsync("/Account/Manage/ChangePassword");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change password" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("account-name")).ToHaveTextAsync(email);
        await BrowserFixture.ScreenshotAsync(page, "newcomer-5-change-password");
        await page.GotoAsync("/studio");
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        await LogOutAsync(page);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.GotoAsync("/studio");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?ReturnUrl=%2Fstudio"));
        await page.Context.CloseAsync();

        // The security headers' CSP must not block anything Blazor or MudBlazor needs.
        Assert.Empty(consoleErrors);
    }

    /// <summary>The theme toggle is remembered: a dark choice holds across a reload and on the statically rendered pages.</summary>
    [Fact]
    public async Task The_theme_chosen_in_the_app_bar_is_remembered_across_pages_and_reloads()
    {
        var page = await fixture.NewPageAsync();
        await Accounts.RegisterAndLogInAsync(page, $"theme-{Guid.NewGuid():N}@example.test", Password);
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator(".app-layout")).ToHaveAttributeAsync("data-theme", "light");

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator(".app-layout")).ToHaveAttributeAsync("data-theme", "dark");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

        await page.ReloadAsync();
        await Expect(page.Locator(".app-layout")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal(background, await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await page.GotoAsync("/Account/Manage/ChangePassword");
        await Expect(page.Locator(".app-layout")).ToHaveAttributeAsync("data-theme", "dark");

        // On a statically rendered page the toggle works too (theme.js stores the choice and reloads).
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator(".app-layout")).ToHaveAttributeAsync("data-theme", "light");
        Assert.NotEqual(background, await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await page.Context.CloseAsync();
    }

    private static async Task LogOutAsync(IPage page)
    {
        await page.GetByTestId("account-name").ClickAsync();
        await page.GetByTestId("logout").ClickAsync();
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

        // Pages reached without signing in: the lock-out notice and the error page, for the screenshots of every page.
        await page.GotoAsync("/Account/Lockout");
        await Expect(page.GetByTestId("lockout-message")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "lockout");
        await page.GotoAsync("/error");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Something went wrong" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "error");
        await page.Context.CloseAsync();
    }
}
