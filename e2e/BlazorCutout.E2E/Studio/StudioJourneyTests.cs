using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Studio;

/// <summary>
/// Issue #4's "done when": a new user drops three photos at once, watches three progress bars move and three cut-outs
/// appear (local engine, for real), downloads one, reloads, and finds all three in History. Plus a file that only
/// pretends to be an image, the point tool, and downloading several results as one ZIP.
/// </summary>
public sealed class StudioJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Studio-Passw0rd!";
    private static readonly string[] Photos = ["chelsea.png", "rocket.jpg", "coffee.png"];

    // Records every data-state and data-progress each upload card goes through, so the test can assert that the
    // bars moved (the sequence of states) without depending on timing.
    private const string RecordCardStates = """
        () => {
            window.__cards = {};
            const record = el => {
                const name = el.dataset.file;
                const c = window.__cards[name] ??= { states: [], progress: [] };
                if (c.states[c.states.length - 1] !== el.dataset.state) c.states.push(el.dataset.state);
                const p = Number(el.dataset.progress);
                if (c.progress[c.progress.length - 1] !== p) c.progress.push(p);
            };
            new MutationObserver(mutations => {
                for (const m of mutations) {
                    const nodes = m.type === 'attributes' ? [m.target] : Array.from(m.addedNodes);
                    for (const n of nodes) {
                        if (!(n instanceof Element)) continue;
                        if (n.matches('[data-testid=upload-card]')) record(n);
                        n.querySelectorAll?.('[data-testid=upload-card]').forEach(record);
                    }
                }
            }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state', 'data-progress'] });
        }
        """;

    [Fact]
    public async Task A_new_user_cuts_out_three_photos_at_once_downloads_one_and_finds_them_in_History()
    {
        var photos = Photos.Select(RepoPaths.TestImage).ToArray();
        var consoleErrors = new List<string>();
        var page = await fixture.NewPageAsync(consoleErrors, timezoneId: "Asia/Tokyo"); // not the server's zone: History shows the browser's
        await RegisterAsync(page);

        await page.EvaluateAsync(RecordCardStates);
        await page.Locator("input#studio-files").SetInputFilesAsync(photos);

        var cards = page.GetByTestId("upload-card");
        await Expect(cards).ToHaveCountAsync(3);
        foreach (var name in Photos)
            await Expect(page.Locator($"[data-testid=upload-card][data-file='{name}']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 45_000 });

        // Three bars moved: each card went through uploading and the task's states to the end, with rising progress.
        var seen = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__cards)")).RootElement;
        foreach (var name in Photos)
        {
            var states = seen.GetProperty(name).GetProperty("states").EnumerateArray().Select(s => s.GetString()).ToList();
            var progress = seen.GetProperty(name).GetProperty("progress").EnumerateArray().Select(p => p.GetDouble()).ToList();
            Assert.True(states.Count >= 3, $"{name} went only through {string.Join(" → ", states)}");
            Assert.Equal("succeeded", states[^1]);
            Assert.Contains(states, s => s is "queued" or "submitting" or "processing" or "downloading");
            Assert.True(progress.Distinct().Count() >= 3 && progress[^1] == 100, $"{name}'s bar: {string.Join(", ", progress)}");
        }

        // Three cut-outs: every card's thumbnail is now the result and has loaded.
        foreach (var name in Photos)
        {
            var thumb = page.Locator($"[data-testid=upload-card][data-file='{name}'] [data-testid=card-thumb]");
            await Expect(thumb).ToHaveAttributeAsync("src", new Regex("/assets/"));
            await BrowserFixture.WaitLoadedAsync(thumb);
        }

        // The before/after view of the first finished one, over the checkerboard (several photos stay a grid: "View" opens one).
        await cards.First.GetByTestId("card-view").ClickAsync();
        var view = page.GetByTestId("result-view");
        await Expect(view).ToBeVisibleAsync();
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-before"));
        await page.SetViewportSizeAsync(1280, 1500); // the layout scrolls inside its body: a taller window shows it all
        await BrowserFixture.ScreenshotAsync(page, "studio-1-three-results");

        // Drag the divider, then the mask toggle swaps the cut-out for the mask.
        await Expect(view.GetByTestId("before-after")).ToHaveAttributeAsync("data-ready", "true");
        var stage = view.Locator(".ba-stage");
        var box = (await stage.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.5f, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.3f, box.Y + box.Height / 2, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        Assert.Equal("30", (await view.Locator("input[type=range]").InputValueAsync()).Split('.')[0]);
        await view.Locator(".ba-stage").ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Screenshots, "studio-2-before-after.png") });
        var cutoutSrc = await view.GetByTestId("viewer-after").GetAttributeAsync("src");
        await view.GetByTestId("mask-toggle").ClickAsync();
        await Expect(view.GetByTestId("viewer-after")).Not.ToHaveAttributeAsync("src", cutoutSrc!);
        await Expect(view.GetByTestId("viewer-after")).ToHaveAttributeAsync("alt", "Mask");
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        await view.Locator(".ba-stage").ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Screenshots, "studio-3-mask.png") });
        await view.GetByTestId("mask-toggle").ClickAsync();

        // Download the cut-out: a real PNG.
        var download = await page.RunAndWaitForDownloadAsync(() => view.GetByTestId("download-result").ClickAsync());
        Assert.Equal(Downloads.PngSignature, (await Downloads.ReadAsync(download))[..8]);
        Assert.EndsWith(".png", download.SuggestedFilename);

        // Reload: the Studio shows the three finished tasks again, as cards with their cut-outs…
        await page.ReloadAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(cards).ToHaveCountAsync(3);
        foreach (var name in Photos)
        {
            var card = page.Locator($"[data-testid=upload-card][data-file='{name}']");
            await Expect(card).ToHaveAttributeAsync("data-state", "succeeded");
            await Expect(card.GetByTestId("card-thumb")).ToHaveAttributeAsync("src", new Regex("/assets/"));
            await BrowserFixture.WaitLoadedAsync(card.GetByTestId("card-thumb"));
        }
        await BrowserFixture.ScreenshotAsync(page, "studio-6-after-reload");

        // …and History lists them as done, with thumbnails and the time they were created in the browser's zone.
        await page.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "History" })).ToBeVisibleAsync();
        var rows = page.Locator("tr.history-row");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-testid=history-state][data-state=succeeded]")).ToHaveCountAsync(3);
        foreach (var name in Photos)
            await Expect(page.GetByTestId("history-grid")).ToContainTextAsync(name);
        for (var i = 0; i < 3; i++)
            await BrowserFixture.WaitLoadedAsync(page.GetByTestId("history-thumb").Nth(i));
        // "Created" alone, not "Created (UTC)": the browser's zone is known (the header also holds the grid's sort button).
        await Expect(page.Locator("[data-testid=history-grid] th .sortable-column-header").Filter(new() { HasTextRegex = new Regex("^Created$") })).ToBeVisibleAsync();
        var created = page.GetByTestId("history-created").First;
        await Expect(created).ToHaveAttributeAsync("datetime", new Regex(@"\+09:00$"));
        var shown = await created.EvaluateAsync<JsonElement>("""
            t => {
                const at = new Date(t.getAttribute('datetime')), pad = n => String(n).padStart(2, '0');
                return { text: t.textContent, local: `${pad(at.getHours())}:${pad(at.getMinutes())}`, offset: -at.getTimezoneOffset(), age: Date.now() - at.getTime() };
            }
            """);
        Assert.Equal(540, shown.GetProperty("offset").GetInt32()); // the browser really is in Tokyo
        Assert.Contains(shown.GetProperty("local").GetString()!, shown.GetProperty("text").GetString()); // shown as its local clock reads
        Assert.InRange(shown.GetProperty("age").GetDouble(), 0, 10 * 60_000); // and it is the right moment: a few seconds ago
        await BrowserFixture.ScreenshotAsync(page, "history-1-three-tasks");

        // The before/after view opens from History too.
        await page.GetByTestId("history-view").First.ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog.GetByTestId("result-view")).ToBeVisibleAsync();
        await BrowserFixture.WaitLoadedAsync(dialog.GetByTestId("viewer-after"));
        await BrowserFixture.ScreenshotAsync(page, "history-2-view-dialog");
        await page.Keyboard.PressAsync("Escape");

        await page.Context.CloseAsync();
        Assert.Empty(consoleErrors); // CSP: the modules, blob: previews and asset images all load
    }

    [Fact]
    public async Task A_text_file_named_like_a_photo_is_refused_on_its_own_card_next_to_a_good_one()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page);

        // Dropped, through the page's drop handling (studio.js), not the input: a fake PNG and a real one.
        var real = Convert.ToBase64String(await File.ReadAllBytesAsync(RepoPaths.TestImage("rocket.jpg")));
        await page.GetByTestId("drop-zone").EvaluateAsync("""
            (zone, real) => {
                const bytes = Uint8Array.from(atob(real), c => c.charCodeAt(0));
                const dt = new DataTransfer();
                dt.items.add(new File(['Meeting notes, not a picture.'], 'notes.png', { type: 'image/png' }));
                dt.items.add(new File([bytes], 'rocket.jpg', { type: 'image/jpeg' }));
                zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
            }
            """, real);

        var bad = page.Locator("[data-testid=upload-card][data-file='notes.png']");
        await Expect(bad).ToHaveAttributeAsync("data-state", "rejected");
        await Expect(bad.GetByTestId("card-error")).ToContainTextAsync("not an image");
        await Expect(page.Locator("[data-testid=upload-card][data-file='rocket.jpg']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 30_000 });
        await page.SetViewportSizeAsync(1280, 1100);
        await BrowserFixture.ScreenshotAsync(page, "studio-4-bad-file");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_in_the_browser_for_its_pixels_not_called_damaged()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page);

        // A PNG whose header says 30000×30000: the browser cannot draw it; its size is read from the header, as the server does.
        await page.GetByTestId("drop-zone").EvaluateAsync("""
            zone => {
                const b = new Uint8Array(64);
                b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
                new DataView(b.buffer).setUint32(16, 30000);
                new DataView(b.buffer).setUint32(20, 30000);
                b.set([8, 6, 0, 0, 0], 24);
                const dt = new DataTransfer();
                dt.items.add(new File([b], 'bomb.png', { type: 'image/png' }));
                zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
            }
            """);

        var card = page.Locator("[data-testid=upload-card][data-file='bomb.png']");
        await Expect(card).ToHaveAttributeAsync("data-state", "rejected");
        await Expect(card.GetByTestId("card-error")).ToHaveTextAsync("The image is 30000×30000 pixels; this provider accepts at most 4096 pixels per side.");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Batches_dropped_pasted_and_picked_while_the_first_is_still_uploading_are_all_cut_out_once()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page);
        var photo = async (string name) => Convert.ToBase64String(await File.ReadAllBytesAsync(RepoPaths.TestImage(name)));

        // A drop of two files and a paste of a third in the same instant: the second batch reaches the input before
        // .NET has read a byte of the first, the moment that used to kill the first batch's files.
        await page.GetByTestId("drop-zone").EvaluateAsync("""
            (zone, photos) => {
                const file = ([name, data]) => new File([Uint8Array.from(atob(data), c => c.charCodeAt(0))], name, { type: 'image/' + (name.endsWith('.jpg') ? 'jpeg' : 'png') });
                const dropped = new DataTransfer();
                dropped.items.add(file(photos[0]));
                dropped.items.add(file(photos[1]));
                zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
                const pasted = new DataTransfer();
                pasted.items.add(file(photos[2]));
                document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
            }
            """, new[] { new[] { "rocket.jpg", await photo("rocket.jpg") }, ["chelsea.png", await photo("chelsea.png")], ["coffee.png", await photo("coffee.png")] });
        // And a pick through the input, without waiting for anything.
        await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("astronaut.png"));

        string[] names = ["rocket.jpg", "chelsea.png", "coffee.png", "astronaut.png"];
        foreach (var name in names)
            await Expect(page.Locator($"[data-testid=upload-card][data-file='{name}']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(names.Length);

        // Exactly once: the server holds one task for each file, no more.
        await page.ReloadAsync();
        await WaitRestoredAsync(page);
        await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(names.Length);
        foreach (var name in names)
            await Expect(page.Locator($"[data-testid=upload-card][data-file='{name}']")).ToHaveAttributeAsync("data-state", "succeeded");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Cards_removed_from_the_studio_stay_removed_after_a_reload_and_their_tasks_stay_in_History()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page);
        await page.Locator("input#studio-files").SetInputFilesAsync([RepoPaths.TestImage("rocket.jpg"), RepoPaths.TestImage("chelsea.png")]);
        foreach (var name in new[] { "rocket.jpg", "chelsea.png" })
            await Expect(page.Locator($"[data-testid=upload-card][data-file='{name}']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 30_000 });

        // One card removed with its ×: after a reload only the other comes back.
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove rocket.jpg from the list" }).ClickAsync();
        await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(1);
        await page.ReloadAsync();
        await WaitRestoredAsync(page);
        await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("upload-card")).ToHaveAttributeAsync("data-file", "chelsea.png");

        // "Clear finished", then a reload: the table stays empty.
        await page.GetByTestId("clear-finished").ClickAsync();
        await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await WaitRestoredAsync(page);
        await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await Expect(page.Locator("tr.history-row")).ToHaveCountAsync(2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Download_all_gives_one_zip_of_the_finished_cut_outs_and_History_downloads_and_deletes_a_selection()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page);
        await page.Locator("input#studio-files").SetInputFilesAsync([RepoPaths.TestImage("rocket.jpg"), RepoPaths.TestImage("chelsea.png")]);
        foreach (var name in new[] { "rocket.jpg", "chelsea.png" })
            await Expect(page.Locator($"[data-testid=upload-card][data-file='{name}']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 30_000 });

        var downloadAll = page.GetByTestId("download-all");
        await Expect(downloadAll).ToContainTextAsync("Download all (2)");
        var zipped = await DownloadZipAsync(page, downloadAll);
        Assert.Equal(["chelsea-cutout.png", "rocket-cutout.png"], zipped.Keys.Order());
        Assert.All(zipped.Values, bytes => Assert.Equal(Downloads.PngSignature, bytes[..8]));

        // History: both rows selected with the header box, downloaded together, then deleted together.
        await page.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await Expect(page.Locator("tr.history-row")).ToHaveCountAsync(2);
        await page.GetByTestId("history-select-page").ClickAsync();
        await Expect(page.GetByTestId("history-selected-count")).ToHaveTextAsync("2 selected");
        var fromHistory = await DownloadZipAsync(page, page.GetByTestId("history-download-selected"));
        Assert.Equal(zipped.Keys.Order(), fromHistory.Keys.Order());

        await page.GetByTestId("history-delete-selected").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.Locator("tr.history-row")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("history-selection")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    /// <summary>Clicks a ZIP link and returns the archive's entries (name → bytes), read with System.IO.Compression.</summary>
    private static async Task<Dictionary<string, byte[]>> DownloadZipAsync(IPage page, ILocator link)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename);
        return await Downloads.ReadZipAsync(download);
    }

    [Fact]
    public async Task Segment_by_points_sends_the_clicks_and_shows_the_result()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page);

        await page.GetByTestId("mode-bar").GetByText("Segment by points").ClickAsync();
        await Expect(page.GetByTestId("drop-zone")).ToContainTextAsync("place points");
        await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("chelsea.png"));

        var canvas = page.GetByTestId("point-canvas");
        await Expect(canvas).ToHaveAttributeAsync("data-ready", "true");
        var box = (await canvas.BoundingBoxAsync())!;
        await canvas.ClickAsync(new() { Position = new() { X = box.Width * 0.5f, Y = box.Height * 0.55f } });
        await canvas.ClickAsync(new() { Position = new() { X = box.Width * 0.05f, Y = box.Height * 0.1f }, Button = MouseButton.Right });
        await Expect(page.GetByTestId("point-count")).ToHaveTextAsync("1 on the subject · 1 off it");
        await BrowserFixture.ScreenshotAsync(page, "studio-5-points");

        await page.GetByTestId("submit-points").ClickAsync();
        var card = page.GetByTestId("upload-card").First;
        await Expect(card).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 30_000 });
        await BrowserFixture.WaitLoadedAsync(page.GetByTestId("result-view").GetByTestId("viewer-after"));
        await Expect(page.GetByTestId("result-view")).ToContainTextAsync("Segment by points");
        await page.Context.CloseAsync();
    }

    private static Task RegisterAsync(IPage page) => BrowserFixture.RegisterAsync(page, "studio", Password);

    /// <summary>Waits until the Studio has brought back the user's recent tasks after a (re)load: only then is "no card" an answer.</summary>
    private static async Task WaitRestoredAsync(IPage page)
    {
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-restored=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }
}
