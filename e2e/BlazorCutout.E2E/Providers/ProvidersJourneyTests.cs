using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Providers;

/// <summary>
/// Issue #5's "done when": with all four emulators running, one user sends the same photo to each provider from the
/// Studio and gets a stored cut-out from each, with cost and provider in History; the admin page shows spend and, once
/// HitPaw's coins run out, the account state that the Studio picker also shows, until an admin clears it.
/// </summary>
public sealed partial class ProvidersJourneyTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    private const string Photo = "chelsea.png";

    [Fact]
    public async Task The_same_photo_goes_to_every_provider_and_History_shows_each_with_its_cost()
    {
        var consoleErrors = new List<string>();
        var page = await fixture.NewPageAsync(consoleErrors);
        await SignInAsAdminAsync(page);

        // Cut-outs: the local engine and the three services that remove backgrounds, one upload each.
        var done = 0;
        foreach (var provider in new[] { "local", "picwish", "gptge", "hitpaw" })
        {
            await SelectProviderAsync(page, provider);
            await UploadAsync(page);
            await WaitForSucceededAsync(page, ++done, provider);
        }

        // Tengr segments by points (the mode is offered while a provider that has it is selected).
        await SelectProviderAsync(page, "local");
        await page.GetByTestId("mode-bar").GetByText("Segment by points").ClickAsync();
        await SelectProviderAsync(page, "tengr");
        await UploadAsync(page);
        var canvas = page.GetByTestId("point-canvas");
        await Expect(canvas).ToHaveAttributeAsync("data-ready", "true");
        var box = (await canvas.BoundingBoxAsync())!;
        await canvas.ClickAsync(new() { Position = new() { X = box.Width * 0.5f, Y = box.Height * 0.55f } });
        await page.GetByTestId("submit-points").ClickAsync();
        await WaitForSucceededAsync(page, ++done, "tengr");
        await page.SetViewportSizeAsync(1280, 1600);
        await BrowserFixture.ScreenshotAsync(page, "providers-1-studio-five-results");

        // History: five stored results, each with its provider and cost; only HitPaw reports what it charged.
        await page.GotoAsync("/history");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=history-state][data-state=succeeded]")).ToHaveCountAsync(5);
        for (var i = 0; i < 5; i++)
            await BrowserFixture.WaitLoadedAsync(page.GetByTestId("history-thumb").Nth(i));
        await ExpectRowAsync(page, "HitPaw", "20 coins", estimated: false);
        await ExpectRowAsync(page, "PicWish", "1 credit", estimated: true);
        await ExpectRowAsync(page, "gpt.ge", "1 credit", estimated: true);
        await ExpectRowAsync(page, "Tengr.ai", "2 credits", estimated: true);
        await ExpectRowAsync(page, "Local engine", "Free", estimated: false);
        await BrowserFixture.ScreenshotAsync(page, "providers-2-history");

        // The admin page: spend per provider, reported and estimated apart; keys only masked.
        await page.GotoAsync("/admin/providers");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var hitpaw = page.GetByTestId("provider-settings-hitpaw");
        await Expect(hitpaw.GetByTestId("spend-reported")).ToHaveTextAsync("20 coins reported (1 task)");
        await Expect(page.GetByTestId("provider-settings-picwish").GetByTestId("spend-estimated")).ToHaveTextAsync("≈ 1 credit estimated (1 task)");
        await Expect(hitpaw.GetByTestId("key-status")).ToContainTextAsync("configured (e2e-…cdef), from the configuration");
        Assert.DoesNotContain(EmulatorProcess.Key, await page.ContentAsync());

        // HitPaw's coins run out: the next job is refused with 402 / 110402000 …
        await fixture.Emulators.ControlAsync("hitpaw", "coins?balance=0");
        await page.GotoAsync("/studio");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await SelectProviderAsync(page, "hitpaw");
        await UploadAsync(page);
        var refused = page.Locator("[data-testid=upload-card][data-state=failed]");
        await Expect(refused).ToHaveCountAsync(1, new() { Timeout = 45_000 });
        await Expect(refused.GetByTestId("card-error")).ToContainTextAsync("coins");

        // … the Studio picker then shows HitPaw unavailable with that reason …
        await page.ReloadAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var tile = page.GetByTestId("provider-hitpaw");
        await Expect(tile).ToBeDisabledAsync();
        await Expect(tile.GetByTestId("provider-reason")).ToContainTextAsync("run out of coins");
        await page.SetViewportSizeAsync(1280, 1200);
        await BrowserFixture.ScreenshotAsync(page, "providers-3-studio-hitpaw-out-of-coins");

        // … and so does the admin page, until the administrator clears it (after a top-up).
        await page.GotoAsync("/admin/providers");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(hitpaw.GetByTestId("account-state")).ToContainTextAsync("run out of coins");
        await Expect(hitpaw.GetByTestId("provider-status")).ToHaveAttributeAsync("data-available", "false");
        await page.SetViewportSizeAsync(1280, 2400);
        await BrowserFixture.ScreenshotAsync(page, "providers-4-admin");
        await fixture.Emulators.ControlAsync("hitpaw", "coins");
        await hitpaw.GetByTestId("account-clear").ClickAsync();
        await Expect(hitpaw.GetByTestId("account-state")).ToHaveCountAsync(0);
        await Expect(hitpaw.GetByTestId("provider-status")).ToHaveAttributeAsync("data-available", "true");

        await page.Context.CloseAsync();
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    [Fact]
    public async Task An_admin_replaces_a_key_in_the_browser_and_the_page_never_shows_it()
    {
        var page = await fixture.NewPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/admin/providers");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var gptge = page.GetByTestId("provider-settings-gptge");
        const string wrong = "sk-wrong-key-for-e2e-000000009z9z";
        await gptge.GetByTestId("key-replace").ClickAsync();
        await gptge.GetByTestId("key-input").FillAsync(wrong);
        await gptge.GetByTestId("key-input").PressAsync("Tab");
        await gptge.GetByTestId("provider-save").ClickAsync();
        await Expect(gptge.GetByTestId("key-status")).ToHaveTextAsync("configured (sk-…9z9z), stored encrypted");
        Assert.DoesNotContain(wrong, await page.ContentAsync());
        await gptge.GetByTestId("provider-reset").ClickAsync();
        await Expect(gptge.GetByTestId("key-status")).ToContainTextAsync("from the configuration");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The same photo again, from its own folder: the browser raises no change event when the exact same file is picked
    /// twice, so each upload takes a copy with the same name from a different place.
    /// </summary>
    private static async Task UploadAsync(IPage page)
    {
        var folder = Path.Combine(Path.GetTempPath(), "blazorcutout-e2e-photos", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var copy = Path.Combine(folder, Photo);
        File.Copy(RepoPaths.TestImage(Photo), copy);
        await page.Locator("input#studio-files").SetInputFilesAsync(copy);
    }

    internal static async Task SelectProviderAsync(IPage page, string id)
    {
        var tile = page.GetByTestId($"provider-{id}");
        await Expect(tile).ToBeEnabledAsync();
        await tile.ClickAsync();
        await Expect(tile).ToHaveAttributeAsync("aria-checked", "true");
    }

    /// <summary>Waits until <paramref name="count"/> cards succeeded; a failed card ends the wait with its message.</summary>
    private async Task WaitForSucceededAsync(IPage page, int count, string provider)
    {
        var succeeded = page.Locator("[data-testid=upload-card][data-state=succeeded]");
        var failed = page.Locator("[data-testid=upload-card][data-state=failed]");
        var giveUp = DateTime.UtcNow.AddSeconds(90);
        while (await succeeded.CountAsync() < count)
        {
            if (await failed.CountAsync() > 0)
                Assert.Fail($"{provider}: {await failed.First.GetByTestId("card-error").TextContentAsync()}");
            if (DateTime.UtcNow > giveUp)
            {
                await BrowserFixture.ScreenshotAsync(page, $"providers-failed-{provider}");
                Assert.Fail($"{provider}: no result after 90 s; cards: {string.Join(" | ", await page.GetByTestId("upload-card").AllInnerTextsAsync())}\n"
                    + $"app:\n{Tail(fixture.App.Output)}\nemulators:\n{Tail(fixture.Emulators.Output)}");
            }
            await Task.Delay(200);
        }
        await BrowserFixture.WaitLoadedAsync(page.GetByTestId("result-view").GetByTestId("viewer-after"));
    }

    private static string Tail(string text) => string.Join("\n", text.Split('\n').TakeLast(60));

    private static async Task ExpectRowAsync(IPage page, string providerName, string cost, bool estimated)
    {
        var row = page.Locator("tr.history-row").Filter(new() { HasText = providerName });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("history-cost")).ToHaveTextAsync(estimated ? "≈ " + cost : cost);
    }

    private static async Task SignInAsAdminAsync(IPage page)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("E-mail").FillAsync(ProvidersFixture.AdminEmail);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(ProvidersFixture.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studio" })).ToBeVisibleAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-drop-ready=true]").WaitForAsync();
    }
}
