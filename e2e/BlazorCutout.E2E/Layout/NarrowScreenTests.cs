using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Layout;

/// <summary>
/// Issue #14, "mobile and tablet": the main journey (register, log in, drop a photo, see the result, open History) in a
/// phone-sized (390×844) and a tablet-sized (768×1024) window, with the local engine for real. No page scrolls
/// sideways, Log out stays reachable, the drop zone comes before the settings, and History shows its tasks as cards.
/// Screenshots of each step go to artifacts/screenshots/narrow-*.
/// </summary>
public sealed class NarrowScreenTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Narrow-Passw0rd!";

    [Theory]
    [InlineData(390, 844, "phone")]
    [InlineData(768, 1024, "tablet")]
    public async Task The_main_journey_fits_the_window(int width, int height, string size)
    {
        var page = await fixture.NewPageAsync();
        await page.SetViewportSizeAsync(width, height);

        await page.GotoAsync("/Account/Register");
        await BrowserFixture.ScreenshotAsync(page, $"narrow-{size}-1-register"); // before the checks: a failure leaves a picture
        await PageFit.AssertNoSidewaysScrollAsync(page, $"Register at {width} px");
        await BrowserFixture.RegisterAsync(page, $"narrow-{size}", Password);

        // The Studio: the drop zone first, the settings under it; the account menu and its Log out on screen.
        await BrowserFixture.ScreenshotAsync(page, $"narrow-{size}-2-studio");
        await PageFit.AssertNoSidewaysScrollAsync(page, $"The Studio at {width} px");
        var drop = (await page.GetByTestId("drop-zone").BoundingBoxAsync())!;
        var settings = (await page.GetByTestId("studio-settings").BoundingBoxAsync())!;
        Assert.True(drop.Y + drop.Height <= settings.Y, $"The drop zone (y {drop.Y:0}) should come before the settings (y {settings.Y:0})");
        await AssertLogOutReachableAsync(page, size);

        // One photo through the local engine: its result view fits the window.
        await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("chelsea.png"));
        await Expect(page.Locator("[data-testid=upload-card][data-file='chelsea.png']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 180_000 }); // a hang guard: the engine shares 2 cores
        var view = page.GetByTestId("result-view");
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        await BrowserFixture.ScreenshotAsync(page, $"narrow-{size}-3-result");
        await PageFit.AssertWithinWidthAsync(page, view, "The result view");
        await PageFit.AssertWithinWidthAsync(page, view.GetByTestId("download-result"), "The result's download button");
        await PageFit.AssertNoSidewaysScrollAsync(page, $"The Studio with a result at {width} px");

        // History: the task as a card (its cells stacked, not a row of columns), nothing sideways.
        await GoToAsync(page, "History");
        await Expect(page.Locator("[data-testid=history-state][data-state=succeeded]")).ToHaveCountAsync(1);
        await BrowserFixture.WaitLoadedAsync(page.GetByTestId("history-thumb").First);
        await BrowserFixture.ScreenshotAsync(page, $"narrow-{size}-4-history");
        await PageFit.AssertNoSidewaysScrollAsync(page, $"History at {width} px");
        var lefts = await page.Locator("tr.history-row").First.EvaluateAsync<double[]>(
            "row => Array.from(row.cells).filter(c => c.offsetWidth > 0).map(c => Math.round(c.getBoundingClientRect().left))");
        Assert.True(lefts.Length >= 4 && lefts.Distinct().Count() == 1, $"History's row is not a card at {width} px: its cells start at {string.Join(", ", lefts)}");
        await PageFit.AssertWithinWidthAsync(page, page.GetByTestId("history-download"), "History's download button");

        // History's filters live in the address: a link with one opens filtered, Reset takes it out, a reload keeps that.
        await page.GotoAsync("/history?state=failed");
        await Expect(page.GetByTestId("history-empty")).ToHaveTextAsync("No task matches these filters.");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("filter-reset").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/history$"));
        await page.ReloadAsync();
        await Expect(page.Locator("tr.history-row")).ToHaveCountAsync(1);

        await GoToAsync(page, "Gallery");
        await Expect(page.GetByTestId("gallery-count")).Not.ToHaveTextAsync("Loading…");
        await BrowserFixture.ScreenshotAsync(page, $"narrow-{size}-5-gallery");
        await PageFit.AssertNoSidewaysScrollAsync(page, $"The Gallery at {width} px");

        await page.GotoAsync("/Account/Manage/ChangePassword");
        await BrowserFixture.ScreenshotAsync(page, $"narrow-{size}-6-change-password");
        await PageFit.AssertNoSidewaysScrollAsync(page, $"Change password at {width} px");
        await PageFit.AssertWithinWidthAsync(page, page.GetByTestId("logout"), "Log out on the change-password page");

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_admin_pages_fit_a_phone_and_a_tablet()
    {
        var page = await fixture.NewRegisteredPageAsync($"narrow-admin-{Guid.NewGuid():N}@example.test", Password, Accounts.SetupPath(fixture.App));
        foreach (var (width, height, size) in new[] { (390, 844, "phone"), (768, 1024, "tablet") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var path in new[] { "/admin", "/admin/users", "/admin/providers", "/admin/usage", "/admin/teams" })
            {
                await page.GotoAsync(path);
                await BrowserFixture.WaitUntilInteractiveAsync(page);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await BrowserFixture.ScreenshotAsync(page, $"narrow-{size}-admin{path.Replace("/admin", "").Replace('/', '-')}");
                await PageFit.AssertNoSidewaysScrollAsync(page, $"{path} at {width} px");
                await AssertLogOutReachableAsync(page, $"{path} at {size}");
            }
        }
        await page.Context.CloseAsync();
    }

    /// <summary>The account button is on screen, and the menu it opens shows Log out on screen too.</summary>
    private static async Task AssertLogOutReachableAsync(IPage page, string where)
    {
        var account = page.GetByTestId("account-menu").GetByRole(AriaRole.Button).First;
        await PageFit.AssertWithinWidthAsync(page, account, $"The account button ({where})");
        await account.ClickAsync();
        await PageFit.AssertWithinWidthAsync(page, page.GetByTestId("logout"), $"Log out ({where})");
        // Closed the way a finger does: a tap beside the menu (on its overlay).
        var height = await page.EvaluateAsync<int>("() => window.innerHeight");
        await page.Mouse.ClickAsync(4, height - 4);
        await Expect(page.GetByTestId("logout")).ToBeHiddenAsync();
    }

    /// <summary>Follows a link of the main menu, opening the menu first where a narrow window folds it away.</summary>
    private static async Task GoToAsync(IPage page, string name)
    {
        var link = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });
        // The menu button works once the circuit is up: a click on the prerendered page (just after a reload) is lost.
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        if (!await link.IsVisibleAsync())
            await page.GetByRole(AriaRole.Button, new() { Name = "Show or hide the menu" }).ClickAsync();
        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/" + name.ToLowerInvariant() + "$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
    }
}
