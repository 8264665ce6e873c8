using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Providers;

/// <summary>
/// Issue #12 item 2 with the four emulators running: on /admin/usage an Admin tests each provider's connection; the
/// services whose documents give a free status query answer it (key accepted), the others say they have none.
/// </summary>
public sealed class ProviderStatusTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Fact]
    public async Task Test_connection_on_the_usage_page_asks_each_emulator_what_its_document_allows()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("E-mail").FillAsync(ProvidersFixture.AdminEmail);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(ProvidersFixture.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studio" })).ToBeVisibleAsync();

        await page.GotoAsync("/admin/usage");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var panel = page.GetByTestId("provider-status");
        foreach (var (id, outcome, words) in new[]
        {
            ("picwish", "KeyAccepted", "reachable, key accepted"),
            ("hitpaw", "KeyAccepted", "reachable, key accepted"),
            ("gptge", "NotOffered", "documents no call that costs nothing"),
            ("tengr", "NotOffered", "documents no call that costs nothing"),
        })
        {
            var row = panel.Locator($"tr[data-provider={id}]");
            await Expect(row.GetByTestId("circuit")).ToHaveAttributeAsync("data-state", "closed");
            await row.GetByTestId("test-connection").ClickAsync();
            var result = row.GetByTestId("connection-result");
            await Expect(result).ToHaveAttributeAsync("data-outcome", outcome, new() { Timeout = 30_000 });
            await Expect(result).ToContainTextAsync(words);
            await Expect(row.GetByTestId("account-hold")).ToHaveTextAsync("none");
        }
        await panel.ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "admin-provider-status");
        await page.Context.CloseAsync();
    }
}
