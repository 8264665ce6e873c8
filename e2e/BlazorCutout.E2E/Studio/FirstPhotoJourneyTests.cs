using BlazorCutout.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Studio;

/// <summary>
/// Issue #14's "done when", as one journey on a laptop and on a phone-sized window: a new user drops one photo, sees
/// the big result arrive with a moving bar, fixes a stray area with the brush, and downloads the fixed image (the
/// downloaded bytes are the new version, with the painted area clear). Screenshots of each step:
/// artifacts/screenshots/first-photo-{laptop|phone}-*.
/// </summary>
public sealed class FirstPhotoJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "First-Photo-Passw0rd!";
    private static readonly double[][] Stray = [[0.46, 0.55], [0.50, 0.55], [0.54, 0.55]];

    [Theory]
    [InlineData(1280, 900, "laptop")]
    [InlineData(390, 844, "phone")]
    public async Task A_new_user_cuts_out_a_photo_fixes_it_with_the_brush_and_downloads_it(int width, int height, string size)
    {
        var consoleErrors = new List<string>();
        var page = await fixture.NewPageAsync(consoleErrors);
        await page.SetViewportSizeAsync(width, height);
        await BrowserFixture.RegisterAsync(page, $"first-{size}", Password);
        await BrowserFixture.ScreenshotAsync(page, $"first-photo-{size}-1-studio");

        // Drop one photo: the big view comes by itself, in sight, and the bar moved on the way.
        await CardProgress.StartAsync(page);
        await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("chelsea.png"));
        var stage = page.GetByTestId("result-stage");
        await Expect(stage).ToBeVisibleAsync(new() { Timeout = 180_000 }); // a hang guard: the engine shares 2 cores
        await Expect(stage).ToBeInViewportAsync();
        var view = stage.GetByTestId("result-view");
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        var (progress, _) = await CardProgress.ReadAsync(page);
        Assert.Equal(100, progress[^1]);
        Assert.True(progress.Where(p => p is > 0 and < 100).Distinct().Count() >= 2, $"the bar went {string.Join(" → ", progress)}");
        await BrowserFixture.ScreenshotAsync(page, $"first-photo-{size}-2-result");
        await PageFit.AssertNoSidewaysScrollAsync(page, $"The big result at {width} px");
        var cutUrl = (await view.GetByTestId("viewer-after").GetAttributeAsync("src"))!;
        Assert.All(await TouchUpCanvas.AlphaAsync(page, cutUrl, Stray), a => Assert.True(a >= 250, $"the area to erase starts opaque, alpha {a}"));

        // The brush: erase the "stray" area, save.
        await view.GetByTestId("touch-up").ClickAsync();
        var canvas = page.GetByTestId("touchup-canvas");
        await Expect(canvas).ToHaveAttributeAsync("data-ready", "true");
        await PageFit.AssertWithinWidthAsync(page, page.GetByTestId("touchup-save"), "The editor's Save button");
        await TouchUpCanvas.StrokeAsync(page, canvas, (0.43, 0.55), (0.57, 0.55));
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "1");
        await BrowserFixture.ScreenshotAsync(page, $"first-photo-{size}-3-brush");
        await page.GetByTestId("touchup-save").ClickAsync();
        await Expect(page.GetByTestId("touchup-dialog")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Expect(view.GetByTestId("touched-up-note")).ToContainTextAsync("version 2");
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        var fixedUrl = (await view.GetByTestId("viewer-after").GetAttributeAsync("src"))!;
        Assert.NotEqual(cutUrl, fixedUrl);
        await BrowserFixture.ScreenshotAsync(page, $"first-photo-{size}-4-fixed");

        // Download it: the file is the fixed version, the painted area clear.
        var button = view.GetByTestId("download-result");
        await PageFit.AssertWithinWidthAsync(page, button, "The download button");
        var download = await page.RunAndWaitForDownloadAsync(() => button.ClickAsync());
        var bytes = await Downloads.ReadAsync(download);
        Assert.Equal(Downloads.PngSignature, bytes[..8]);
        var served = await page.Context.APIRequest.GetAsync(fixedUrl);
        Assert.Equal(await served.BodyAsync(), bytes);
        Assert.All(await TouchUpCanvas.AlphaAsync(page, fixedUrl, Stray), a => Assert.Equal(0, a));
        await PageFit.AssertNoSidewaysScrollAsync(page, $"The fixed result at {width} px");

        Assert.Empty(consoleErrors);
        await page.Context.CloseAsync();
    }
}
