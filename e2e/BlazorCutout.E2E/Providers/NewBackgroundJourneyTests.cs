using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Providers;

/// <summary>
/// New backgrounds through gpt.ge (002) from the Studio: a prompt, a number of images, one photo, and a result per
/// generated background to switch between and download; a batch that comes back short (the emulator's <c>partial=K</c>
/// trigger, read from the prompt) shows its note. Each test registers its own member, so its cards and History rows
/// are its own.
/// </summary>
public sealed partial class ProvidersJourneyTests
{
    private const string MemberPassword = "Background-Passw0rd!";

    [Fact]
    public async Task A_member_generates_two_backgrounds_for_one_photo_switches_between_them_and_downloads_each()
    {
        var consoleErrors = new List<string>();
        var page = await fixture.NewPageAsync(consoleErrors);
        await RegisterMemberAsync(page);
        await ChooseNewBackgroundAsync(page);

        // The prompt is required and at most 1024 characters: the counter and the message say so as one types.
        var prompt = page.GetByTestId("background-prompt");
        await Expect(page.GetByTestId("background-prompt-problem")).ToHaveTextAsync("Describe the background to generate.");
        await prompt.FillAsync(new string('a', 1030));
        await Expect(page.GetByTestId("background-prompt-count")).ToHaveTextAsync("1030 / 1024");
        await Expect(page.GetByTestId("background-prompt-problem")).ToHaveTextAsync("The background prompt is longer than 1024 characters.");
        await prompt.FillAsync("a sunny beach at golden hour");
        await Expect(page.GetByTestId("background-prompt-count")).ToHaveTextAsync("28 / 1024");
        await Expect(page.GetByTestId("background-prompt-problem")).ToBeEmptyAsync();

        // Two images: the price hint, here and on the provider's tile, counts both.
        await page.GetByTestId("batch-size").GetByText("2", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("batch-price")).ToHaveTextAsync("2 credits per photo sent (2 results)");
        await Expect(page.GetByTestId("provider-gptge")).ToContainTextAsync("2 credits per photo sent (2 results)");

        await UploadAsync(page);
        await WaitForSucceededAsync(page, 1, "gptge");
        var card = page.GetByTestId("upload-card");
        await Expect(card.GetByTestId("card-result-count")).ToHaveTextAsync("×2");

        // Two results under the viewer; the second thumbnail swaps the "after" image.
        var view = page.GetByTestId("result-view");
        await Expect(view).ToHaveAttributeAsync("data-results", "2");
        await Expect(view.GetByTestId("result-note")).ToHaveCountAsync(0);
        var after = view.GetByTestId("viewer-after");
        var first = await after.GetAttributeAsync("src");
        await view.GetByTestId("result-thumb").Nth(1).ClickAsync();
        await Expect(view.GetByTestId("result-choice").Nth(1)).ToHaveAttributeAsync("data-shown", "true");
        await Expect(after).Not.ToHaveAttributeAsync("src", first!);
        await BrowserFixture.WaitLoadedAsync(after);
        await Expect(view.GetByTestId("download-result")).ToContainTextAsync("Image 2");
        for (var i = 0; i < 2; i++)
            await BrowserFixture.WaitLoadedAsync(view.GetByTestId("result-thumb").Nth(i).Locator("img"));
        await page.SetViewportSizeAsync(1280, 1500); // the Studio scrolls inside its layout: a tall window shows settings, card and result at once
        await BrowserFixture.ScreenshotAsync(page, "providers-5-studio-new-backgrounds");

        // Each result downloads on its own, as its own PNG.
        var names = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var download = await page.RunAndWaitForDownloadAsync(() => view.GetByTestId("result-download").Nth(i).ClickAsync());
            Assert.Equal(Downloads.PngSignature, (await Downloads.ReadAsync(download))[..8]);
            names.Add(download.SuggestedFilename);
        }
        Assert.Equal(["chelsea-cutout-1.png", "chelsea-cutout-2.png"], names);

        // History's view dialog shows the same two results, and the cost of both.
        await page.GotoAsync("/history");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("history-cost")).ToHaveTextAsync("≈ 2 credits");
        await page.GetByTestId("history-view").ClickAsync();
        var dialog = page.Locator(".result-dialog");
        await Expect(dialog.GetByTestId("result-thumb")).ToHaveCountAsync(2);
        await dialog.GetByTestId("result-thumb").Nth(1).ClickAsync();
        await Expect(dialog.GetByTestId("result-choice").Nth(1)).ToHaveAttributeAsync("data-shown", "true");

        await page.Context.CloseAsync();
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    [Fact]
    public async Task A_batch_that_comes_back_short_shows_the_results_that_arrived_and_says_so()
    {
        var page = await fixture.NewPageAsync();
        await RegisterMemberAsync(page);
        await ChooseNewBackgroundAsync(page);
        await page.GetByTestId("background-prompt").FillAsync("a quiet forest emulate[partial=2]");
        await page.GetByTestId("batch-size").GetByText("3", new() { Exact = true }).ClickAsync();

        await UploadAsync(page);
        await WaitForSucceededAsync(page, 1, "gptge");

        const string note = "gpt.ge returned 2 of the 3 requested backgrounds.";
        await Expect(page.GetByTestId("card-note")).ToContainTextAsync(note);
        var view = page.GetByTestId("result-view");
        await Expect(view.GetByTestId("result-note")).ToContainTextAsync(note);
        await Expect(view.GetByTestId("result-thumb")).ToHaveCountAsync(2);
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("result-thumb").Nth(1).Locator("img"));
        await page.SetViewportSizeAsync(1280, 1500);
        await BrowserFixture.ScreenshotAsync(page, "providers-6-studio-short-batch");
        await page.Context.CloseAsync();
    }

    private static async Task ChooseNewBackgroundAsync(IPage page)
    {
        var mode = page.GetByTestId("mode-bar").GetByText("New background");
        await SelectProviderAsync(page, "local");
        await Expect(page.GetByTestId("background-unsupported")).ToContainTextAsync("Local engine cannot do background generation.");
        await SelectProviderAsync(page, "gptge");
        await mode.ClickAsync();
        await Expect(page.GetByTestId("background-settings")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cutout-options-off")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("drop-zone")).ToContainTextAsync("Drop photos to place on new backgrounds");
    }

    /// <summary>A new member of its own, so no test's tasks show up in another's History.</summary>
    internal static Task RegisterMemberAsync(IPage page) => BrowserFixture.RegisterAsync(page, "member", MemberPassword);
}
