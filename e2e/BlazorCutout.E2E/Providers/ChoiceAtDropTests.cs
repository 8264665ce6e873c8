using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Providers;

/// <summary>
/// Issue 8 items 1 and 2: what the user had chosen when they gave the files is what runs and what is charged, even when
/// they click another provider while the files still upload; and a text prompt counts as it is typed.
/// Its own app and emulators (a <see cref="ProvidersFixture"/> of its own): the journey in
/// <see cref="ProvidersJourneyTests"/> checks each provider's spend to the task, which these submissions would change.
/// </summary>
public sealed class ChoiceAtDropTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    private static Task RegisterMemberAsync(IPage page) => ProvidersJourneyTests.RegisterMemberAsync(page);

    private static Task SelectProviderAsync(IPage page, string id) => ProvidersJourneyTests.SelectProviderAsync(page, id);

    [Fact]
    public async Task Photos_dropped_for_PicWish_all_go_to_PicWish_though_HitPaw_is_picked_150_ms_later()
    {
        var page = await fixture.NewPageAsync();
        await RegisterMemberAsync(page);
        await SelectProviderAsync(page, "picwish");
        var picwishBefore = await CreatesAsync("picwish", "/api/tasks/visual/segmentation");
        var hitpawBefore = await CreatesAsync("hitpaw", "/api/image-segmentation");
        var run = Guid.NewGuid().ToString("N")[..8];
        string[] names = [$"a-{run}.png", $"b-{run}.png", $"c-{run}.png"];

        await DropAsync(page, (names[0], "chelsea.png"), (names[1], "coffee.png"), (names[2], "astronaut.png"));
        await page.WaitForTimeoutAsync(150);
        await SelectProviderAsync(page, "hitpaw");

        // Every card says from the start where it goes, and that stays so.
        foreach (var name in names)
        {
            var card = Card(page, name);
            await Expect(card.GetByTestId("card-provider")).ToHaveAttributeAsync("data-provider", "picwish");
            await Expect(card.GetByTestId("card-provider")).ToHaveTextAsync("PicWish · Remove background");
        }
        await BrowserFixture.ScreenshotAsync(page, "providers-5-choice-fixed-at-drop");
        foreach (var name in names)
            await Expect(Card(page, name)).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 90_000 });
        foreach (var name in names)
            await Expect(Card(page, name).GetByTestId("card-provider")).ToHaveAttributeAsync("data-provider", "picwish");

        // The services' own logs: PicWish took exactly these three files, HitPaw nothing.
        var picwish = (await CreatesAsync("picwish", "/api/tasks/visual/segmentation")).Skip(picwishBefore.Count).ToList();
        Assert.Equal(names.Order(), picwish.Where(r => r.Status == 200).Select(r => r.FileName).Order());
        Assert.Equal(hitpawBefore.Count, (await CreatesAsync("hitpaw", "/api/image-segmentation")).Count);
        await BrowserFixture.ScreenshotAsync(page, "providers-6-choice-all-picwish");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_text_prompt_counts_as_it_is_typed_without_leaving_the_field()
    {
        var page = await fixture.NewPageAsync();
        await RegisterMemberAsync(page);
        // The operation first: the picker then offers the providers able to do it.
        await page.GetByTestId("mode-bar").GetByText("Segment by text").ClickAsync();
        await SelectProviderAsync(page, "tengr");
        var prompt = page.GetByTestId("text-prompt");
        await prompt.ClickAsync();
        var words = $"the cat {Guid.NewGuid():N}"[..16];
        await prompt.PressSequentiallyAsync(words);

        // Dropped while the cursor is still in the field: no blur, no change event.
        var name = $"prompt-{Guid.NewGuid():N}.png"[..20];
        await DropAsync(page, (name, "chelsea.png"));
        await Expect(prompt).ToBeFocusedAsync();

        // Sent, with the words typed: not refused for an empty prompt. (Whether Tengr's cut-out then succeeds is the
        // journey's business, not this test's.)
        var card = Card(page, name);
        await Expect(card).ToHaveAttributeAsync("data-state", new Regex("^(queued|submitting|processing|downloading|succeeded)$"), new() { Timeout = 90_000 });
        var giveUp = DateTime.UtcNow.AddSeconds(90);
        while (!(await fixture.Emulators.RequestsAsync("tengr")).Contains(words, StringComparison.Ordinal) && DateTime.UtcNow < giveUp)
            await Task.Delay(200);
        Assert.Contains(words, await fixture.Emulators.RequestsAsync("tengr"));
        await page.Context.CloseAsync();
    }

    private static ILocator Card(IPage page, string name) => page.Locator($"[data-testid=upload-card][data-file='{name}']");

    /// <summary>A drop through the page's drop handling (studio.js), as a user's drag and drop arrives: test photos under new names.</summary>
    private static async Task DropAsync(IPage page, params (string Name, string Photo)[] files)
    {
        var payload = new List<string[]>();
        foreach (var (name, photo) in files)
            payload.Add([name, Convert.ToBase64String(await File.ReadAllBytesAsync(RepoPaths.TestImage(photo)))]);
        await page.EvaluateAsync("""
            files => {
                const dt = new DataTransfer();
                for (const [name, data] of files)
                    dt.items.add(new File([Uint8Array.from(atob(data), c => c.charCodeAt(0))], name, { type: 'image/png' }));
                document.querySelector('[data-testid=drop-zone]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
            }
            """, payload);
    }

    private sealed record Create(string? FileName, int Status);

    /// <summary>The submit requests one emulator received, in order: the uploaded file's name (if any) and the answer.</summary>
    private async Task<List<Create>> CreatesAsync(string service, string path)
    {
        using var log = JsonDocument.Parse(await fixture.Emulators.RequestsAsync(service));
        return log.RootElement.EnumerateArray()
            .Where(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString() == path)
            .Select(r => new Create(
                r.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("fileName").GetString()).FirstOrDefault(),
                r.GetProperty("status").GetInt32()))
            .ToList();
    }
}
