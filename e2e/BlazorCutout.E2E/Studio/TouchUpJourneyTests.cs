using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Studio;

/// <summary>
/// Issue #14's brush, for real: a photo cut out by the local engine, touched up in Chromium (an erase stroke on the
/// subject, a restore stroke on the background, undo/redo from the keyboard, zoom), saved, and the stored new version
/// read back pixel by pixel; the provider's original stays downloadable.
/// </summary>
public sealed class TouchUpJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Brush-Passw0rd!";

    private static readonly double[][] EraseChecks = [[0.47, 0.55], [0.50, 0.55], [0.53, 0.55]];
    private static readonly double[][] RestoreCandidates = [[0.06, 0.08], [0.94, 0.08], [0.06, 0.92], [0.94, 0.92], [0.50, 0.06]];

    [Fact]
    public async Task A_cutout_is_touched_up_with_erase_and_restore_strokes_and_saved_as_a_new_version()
    {
        var consoleErrors = new List<string>();
        var page = await fixture.NewPageAsync(consoleErrors);
        await BrowserFixture.RegisterAsync(page, "brush", Password);
        await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("chelsea.png"));
        await Expect(page.Locator("[data-testid=upload-card][data-file='chelsea.png']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 90_000 });
        var view = page.GetByTestId("result-view");
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        var originalUrl = (await view.GetByTestId("viewer-after").GetAttributeAsync("src"))!;
        await Expect(view.GetByTestId("download-original")).ToHaveCountAsync(0);

        // Where to restore: a background point the engine left fully transparent.
        var candidates = await TouchUpCanvas.AlphaAsync(page, originalUrl, RestoreCandidates);
        var restoreAt = RestoreCandidates[Array.FindIndex(candidates, a => a == 0)];
        Assert.All(await TouchUpCanvas.AlphaAsync(page, originalUrl, EraseChecks), a => Assert.True(a >= 250, $"the erase stroke must start on the opaque subject, alpha {a}"));

        await view.GetByTestId("touch-up").ClickAsync();
        var dialog = page.GetByTestId("touchup-dialog");
        var canvas = page.GetByTestId("touchup-canvas");
        await Expect(canvas).ToHaveAttributeAsync("data-ready", "true");
        await Expect(page.GetByTestId("touchup-save")).ToBeDisabledAsync(); // nothing painted yet

        // Erase across the cat's middle, then take it back and forth with the keyboard.
        await TouchUpCanvas.StrokeAsync(page, canvas, (0.44, 0.55), (0.56, 0.55));
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "1");
        await page.Keyboard.PressAsync("Control+z");
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "0");
        await page.Keyboard.PressAsync("Control+Shift+z");
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "1");

        // Restore a stroke of background, painted while zoomed in (the view maps the pointer through the zoom).
        await page.GetByTestId("touchup-restore").ClickAsync();
        await Expect(page.GetByTestId("touchup-restore")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.GetByTestId("touchup-zoom-in").ClickAsync();
        await Expect(canvas).Not.ToHaveAttributeAsync("data-zoom", "1.000");
        await page.GetByTestId("touchup-fit").ClickAsync();
        await Expect(canvas).ToHaveAttributeAsync("data-zoom", "1.000");
        // The wheel zooms at the cursor: the point under it stays in view.
        var (wheelX, wheelY) = await TouchUpCanvas.ScreenPointAsync(page, canvas, (restoreAt[0], restoreAt[1]));
        await page.Mouse.MoveAsync(wheelX, wheelY);
        await page.Mouse.WheelAsync(0, -300);
        await Expect(canvas).Not.ToHaveAttributeAsync("data-zoom", "1.000");
        await TouchUpCanvas.StrokeAsync(page, canvas, (restoreAt[0] - 0.03, restoreAt[1]), (restoreAt[0] + 0.03, restoreAt[1]));
        await Expect(canvas).ToHaveAttributeAsync("data-strokes", "2");
        await page.GetByTestId("touchup-fit").ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "touchup-1-editor");

        await page.GetByTestId("touchup-save").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0, new() { Timeout = 30_000 });

        // The result view now shows the new version, with the original one click away.
        await Expect(view.GetByTestId("touched-up-note")).ToContainTextAsync("version 2");
        await Expect(view.GetByTestId("viewer-after")).Not.ToHaveAttributeAsync("src", originalUrl);
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        var editedUrl = (await view.GetByTestId("viewer-after").GetAttributeAsync("src"))!;
        Assert.All(await TouchUpCanvas.AlphaAsync(page, editedUrl, EraseChecks), a => Assert.Equal(0, a));
        Assert.Equal(new[] { 255 }, await TouchUpCanvas.AlphaAsync(page, editedUrl, [restoreAt]));
        await BrowserFixture.ScreenshotAsync(page, "touchup-2-saved");

        // The original is untouched and still downloadable.
        var originalDownload = (await view.GetByTestId("download-original").GetAttributeAsync("href"))!;
        Assert.Equal(originalUrl + "/download", originalDownload);
        var response = await page.Context.APIRequest.GetAsync(originalDownload);
        Assert.Equal(200, response.Status);
        Assert.Equal(Downloads.PngSignature, (await response.BodyAsync()).Take(8).ToArray());
        Assert.All(await TouchUpCanvas.AlphaAsync(page, originalUrl, EraseChecks), a => Assert.True(a >= 250));
        Assert.Equal(new[] { 0 }, await TouchUpCanvas.AlphaAsync(page, originalUrl, [restoreAt]));
        Assert.Empty(consoleErrors);
        await page.Context.CloseAsync();
    }
}
