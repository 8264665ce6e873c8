using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Studio;

/// <summary>
/// Issue #14's result-first Studio, in Chromium with the real local engine: one photo becomes the big view at the top
/// while its bar moves with the engine's stages; backdrops and zoom are previews in the page; keys step, download and
/// go back to the grid.
/// </summary>
public sealed class ResultFirstTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Result-Passw0rd!";

    [Fact]
    public async Task One_photo_becomes_the_big_view_with_a_moving_bar_and_its_backdrops_keys_and_download_work()
    {
        var consoleErrors = new List<string>();
        var page = await fixture.NewPageAsync(consoleErrors);
        await BrowserFixture.RegisterAsync(page, "result", Password);
        await page.SetViewportSizeAsync(1280, 900);

        await CardProgress.StartAsync(page);
        await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("rocket.jpg"));

        // The big view opens by itself, at the top of the work area, in sight.
        var stage = page.GetByTestId("result-stage");
        await Expect(stage).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(stage).ToBeInViewportAsync();
        var view = stage.GetByTestId("result-view");
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-before"));
        await Expect(view.GetByTestId("before-after")).ToHaveAttributeAsync("data-ready", "true");
        var workTop = await page.Locator(".studio-work").EvaluateAsync<double>("e => e.getBoundingClientRect().top");
        var stageTop = await stage.EvaluateAsync<double>("e => e.getBoundingClientRect().top");
        Assert.True(stageTop - workTop < 5, $"the big view is the first thing in the work area ({stageTop} vs {workTop})");

        // The bar moved with the engine: at least two values between the start and 100, in the engine's words.
        var (progress, status) = await CardProgress.ReadAsync(page);
        Assert.Equal(100, progress[^1]);
        Assert.True(progress.Where(p => p is > 0 and < 100).Distinct().Count() >= 2, $"the bar went {string.Join(" → ", progress)}");
        Assert.Contains(status, s => s.StartsWith("Cutting out…", StringComparison.Ordinal));
        Assert.Contains(status, s => s.StartsWith("Cutting out… ", StringComparison.Ordinal) && s.EndsWith('%'));
        Assert.DoesNotContain(status, s => s.Contains("Sending to", StringComparison.Ordinal));
        await BrowserFixture.ScreenshotAsync(page, "studio-result-1-big-view");

        // Backdrops: each swatch changes the preview behind the cut-out; the note says the download stays transparent.
        var viewer = view.GetByTestId("before-after");
        var backdrop = view.GetByTestId("viewer-backdrop");
        const string look = "e => getComputedStyle(e).backgroundColor + ' ' + getComputedStyle(e).backgroundImage";
        var transparent = await backdrop.EvaluateAsync<string>(look);
        await Expect(view.GetByTestId("viewer-note").Locator(".ba-backdrop-note")).ToBeHiddenAsync();
        await view.GetByTestId("swatch-white").ClickAsync();
        await Expect(viewer).ToHaveAttributeAsync("data-backdrop", "white");
        var white = await backdrop.EvaluateAsync<string>(look);
        Assert.NotEqual(transparent, white);
        Assert.StartsWith("rgb(255, 255, 255)", white);
        await Expect(view.GetByTestId("swatch-white")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(view.GetByTestId("viewer-note").Locator(".ba-backdrop-note")).ToBeVisibleAsync();
        // "Download it on this background": a JPEG of the full-size cut-out with white where it was transparent.
        var cutUrl = (await view.GetByTestId("viewer-after").GetAttributeAsync("src"))!;
        var clear = await TouchUpCanvas.AlphaAsync(page, cutUrl, [[0.02, 0.02], [0.98, 0.02], [0.02, 0.98], [0.98, 0.98]]);
        var corner = Array.FindIndex(clear, a => a == 0);
        Assert.True(corner >= 0, "the rocket's cut-out has a transparent corner");
        var onWhite = await page.RunAndWaitForDownloadAsync(() => view.GetByTestId("download-with-backdrop").ClickAsync());
        var jpeg = await Downloads.ReadAsync(onWhite);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, jpeg[..3]);
        Assert.Equal("cutout-on-white.jpg", onWhite.SuggestedFilename);
        var pixel = await page.EvaluateAsync<int[]>("""
            async ({ data, x, y }) => {
                const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
                const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
                const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
                const ctx = canvas.getContext('2d');
                ctx.drawImage(bitmap, 0, 0);
                const p = ctx.getImageData(Math.floor(x * bitmap.width), Math.floor(y * bitmap.height), 1, 1).data;
                return [p[0], p[1], p[2], bitmap.width];
            }
            """, new { data = Convert.ToBase64String(jpeg), x = corner % 2 == 0 ? 0.02 : 0.98, y = corner < 2 ? 0.02 : 0.98 });
        Assert.All(pixel[..3], c => Assert.True(c >= 250, $"the transparent corner is white in the download: {string.Join(",", pixel[..3])}"));
        Assert.Equal(640, pixel[3]); // the full-size cut-out, not the preview's size
        await view.GetByTestId("swatch-sky").ClickAsync();
        Assert.NotEqual(white, await backdrop.EvaluateAsync<string>(look));
        await view.GetByTestId("swatch-blur").ClickAsync();
        await Expect(viewer).ToHaveAttributeAsync("data-backdrop", "blur");
        var blurred = view.Locator(".ba-backdrop-blur");
        await Expect(blurred).ToBeVisibleAsync();
        Assert.Contains("blur", await blurred.EvaluateAsync<string>("e => getComputedStyle(e).filter"));
        await BrowserFixture.WaitLoadedAsync(blurred);
        await view.GetByTestId("swatch-picture-input").SetInputFilesAsync(RepoPaths.TestImage("coffee.png"));
        await Expect(viewer).ToHaveAttributeAsync("data-backdrop", "picture");
        Assert.Contains("blob:", await backdrop.EvaluateAsync<string>("e => getComputedStyle(e).backgroundImage"));
        await view.Locator(".ba-stage").ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Screenshots, "studio-result-2-picture-backdrop.png") });

        // Zoom in twice and pan: the picture moves, the divider's range still works, Fit puts it back.
        await view.GetByRole(AriaRole.Button, new() { Name = "Zoom in" }).ClickAsync();
        await view.GetByRole(AriaRole.Button, new() { Name = "Zoom in" }).ClickAsync();
        await Expect(view.GetByTestId("viewer-zoom")).ToHaveTextAsync("225%");
        var box = (await view.Locator(".ba-stage").BoundingBoxAsync())!;
        var before = await view.Locator(".ba-zoom").EvaluateAsync<string>("e => e.style.transform");
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width / 2 + 80, box.Y + box.Height / 2 + 40, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        Assert.NotEqual(before, await view.Locator(".ba-zoom").EvaluateAsync<string>("e => e.style.transform"));
        await view.Locator(".ba-stage").ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Screenshots, "studio-result-3-zoomed.png") });
        await view.GetByRole(AriaRole.Button, new() { Name = "Fit to the box" }).ClickAsync();
        await Expect(view.GetByTestId("viewer-zoom")).ToHaveTextAsync("100%");
        await view.GetByTestId("swatch-transparent").ClickAsync();

        // D downloads the result shown: a real PNG.
        await page.Locator("body").ClickAsync(new() { Position = new() { X = 5, Y = 5 } });
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("d"));
        Assert.Equal(Downloads.PngSignature, (await Downloads.ReadAsync(download))[..8]);
        Assert.EndsWith(".png", download.SuggestedFilename);

        // Esc: back to the grid; "View" opens it again, in sight.
        await page.Keyboard.PressAsync("Escape");
        await Expect(stage).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("cards-summary")).ToHaveTextAsync("1 image: 1 done");
        await page.GetByTestId("card-view").ClickAsync();
        await Expect(stage).ToBeInViewportAsync();

        // A second photo: the arrows step between the two results.
        await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("coffee.png"));
        await Expect(page.Locator("[data-testid=upload-card][data-state=succeeded]")).ToHaveCountAsync(2, new() { Timeout = 90_000 });
        await Expect(stage.GetByTestId("result-position")).ToBeVisibleAsync();
        var first = await stage.GetByTestId("result-position").TextContentAsync();
        await page.Locator("body").ClickAsync(new() { Position = new() { X = 5, Y = 5 } });
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(stage.GetByTestId("result-position")).Not.ToHaveTextAsync(first!);
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(stage.GetByTestId("result-position")).ToHaveTextAsync(first!);
        await BrowserFixture.ScreenshotAsync(page, "studio-result-4-two-results");

        await page.Context.CloseAsync();
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task A_pasted_image_link_is_added_at_once_and_the_settings_show_only_what_the_mode_uses()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.RegisterAsync(page, "resulturl", Password);
        await page.SetViewportSizeAsync(1280, 900);

        // No prompt box while removing backgrounds; unavailable providers folded away.
        await Expect(page.GetByTestId("text-prompt")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("provider-local")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "studio-result-5-settings");

        // One paste into the field adds the link: a card appears without pressing anything (this address is refused
        // by the server's URL guard, which is its own business: the card says so).
        var field = page.GetByTestId("url-input");
        await field.FocusAsync();
        await page.EvaluateAsync("""
            () => {
                const f = document.querySelector('[data-testid=url-input]');
                f.value = 'http://127.0.0.1:1/photo.png';
                f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
            }
            """);
        await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(1);
        await Expect(field).ToHaveValueAsync("");

        // Typed: the first Enter adds.
        await field.PressSequentiallyAsync("http://127.0.0.1:1/other.png");
        await field.PressAsync("Enter");
        await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(2);
        await page.Context.CloseAsync();
    }
}
