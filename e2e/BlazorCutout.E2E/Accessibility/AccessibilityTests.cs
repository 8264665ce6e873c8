using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Accessibility;

/// <summary>
/// Issue #14, accessibility: axe-core finds no serious or critical problem (missing labels and names, contrast below
/// WCAG AA, broken ARIA) on the log-in and register pages, the Studio with a result, History, the Gallery and every
/// admin page, in the light and the dark theme. Every problem found is listed in the failure message, page by page.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Access-Passw0rd!";
    private static readonly string[] Themes = ["light", "dark"];
    private static readonly string[] AppPages = ["/history", "/gallery", "/admin", "/admin/users", "/admin/providers", "/admin/usage", "/admin/teams"];

    [Fact]
    public async Task Every_main_page_passes_axe_core_in_both_themes()
    {
        var problems = new List<string>();

        var signedOut = await NewPageAsync();
        foreach (var theme in Themes)
        {
            await SetThemeAsync(signedOut, theme);
            foreach (var path in new[] { "/Account/Login", "/Account/Register" })
            {
                await signedOut.GotoAsync(path);
                await Expect(signedOut.Locator($"[data-theme='{theme}']").First).ToBeAttachedAsync();
                await CheckAsync(signedOut, $"{path} ({theme})", problems);
            }
        }
        await signedOut.Context.CloseAsync();

        // The first administrator sees every page; one photo through the engine gives the Studio and History a result.
        var page = await NewPageAsync();
        await Accounts.RegisterAndLogInAsync(page, $"axe-{Guid.NewGuid():N}@example.test", Password, Accounts.SetupPath(fixture.App));
        await Expect(page).ToHaveURLAsync(new Regex("/studio$"));
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-drop-ready=true]").WaitForAsync();
        await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("chelsea.png"));
        await Expect(page.Locator("[data-testid=upload-card][data-file='chelsea.png']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 180_000 }); // a hang guard

        foreach (var theme in Themes)
        {
            await SetThemeAsync(page, theme);
            await page.GotoAsync("/studio");
            await BrowserFixture.WaitUntilInteractiveAsync(page);
            await page.GetByTestId("card-view").First.ClickAsync();
            await BrowserFixture.WaitLoadedAsync(page.GetByTestId("result-view").GetByTestId("viewer-after"));
            await CheckAsync(page, $"/studio with a result ({theme})", problems);

            foreach (var path in AppPages)
            {
                await page.GotoAsync(path);
                await BrowserFixture.WaitUntilInteractiveAsync(page);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
                await Expect(page.Locator($"[data-theme='{theme}']").First).ToBeAttachedAsync();
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await CheckAsync(page, $"{path} ({theme})", problems);
            }
        }
        await page.Context.CloseAsync();

        Assert.True(problems.Count == 0, "axe-core found serious or critical problems:\n" + string.Join("\n", problems));
    }

    private static async Task CheckAsync(IPage page, string where, List<string> problems)
    {
        foreach (var violation in await Axe.SeriousViolationsAsync(page))
            problems.Add($"{where}: {violation}");
    }

    /// <summary>A desktop-sized context that lets axe-core's script tag in (see <see cref="Axe"/>).</summary>
    private async Task<IPage> NewPageAsync()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            BypassCSP = true,
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>The theme cookie the app reads on every page (what its toggle writes).</summary>
    private Task SetThemeAsync(IPage page, string theme) =>
        page.Context.AddCookiesAsync([new Cookie { Name = "cutout-theme", Value = theme, Url = fixture.App.BaseUrl }]);
}
