using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Support;

/// <summary>Making an account the way a person does: the register form, its one answer (the log-in page), then logging in.</summary>
public static partial class Accounts
{
    public static async Task RegisterAndLogInAsync(IPage page, string email, string password, string registerPath = "/Account/Register")
    {
        await page.GotoAsync(registerPath);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByTestId("register-submit").ClickAsync();
        // Registration never signs in (a taken address must get the same answer as a new one): log in next.
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?registered=true"));
        await Expect(page.GetByTestId("registered-notice")).ToBeVisibleAsync();
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
    }

    /// <summary>The first-administrator link the app printed in its start-up log.</summary>
    /// <remarks>The line can be read from the app's output a moment after "Now listening": wait for it (up to 30 s).</remarks>
    public static string SetupPath(AppProcess app)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (SetupLink().Match(app.Output) is { Success: true } m) return m.Value;
            if (DateTime.UtcNow > giveUp) throw new InvalidOperationException("No set-up link in the app's log:\n" + app.Output);
            Thread.Sleep(100);
        }
    }

    [GeneratedRegex("/Account/Register\\?setup=[A-Za-z0-9_-]+")]
    private static partial Regex SetupLink();
}
