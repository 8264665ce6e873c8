using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Gallery;

/// <summary>
/// Issue #11's e2e: its own app (fresh database; the Admin registers through the start-up log's set-up link). The Admin
/// makes a team of A and B on /admin/teams; C stays outside. A cuts out a photo with the local engine and shares it to
/// the team; B, in another browser context with the gallery already open, sees it appear without a reload, opens the
/// lightbox and downloads the cut-out. C gets "not found" at the asset, thumbnail and lightbox addresses. When A
/// unshares it, it leaves B's grid, again without a reload.
/// </summary>
public sealed class GalleryJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Gallery-Passw0rd!";

    [Fact]
    public async Task A_teammate_sees_a_shared_cut_out_appear_live_opens_and_downloads_it_and_an_outsider_gets_not_found()
    {
        var teamName = $"Catalogue {Guid.NewGuid():N}"[..18];
        var emailA = $"designer-{Guid.NewGuid():N}@example.test";
        var emailB = $"teammate-{Guid.NewGuid():N}@example.test";
        var emailC = $"outsider-{Guid.NewGuid():N}@example.test";
        var admin = await fixture.NewRegisteredPageAsync($"admin-{Guid.NewGuid():N}@example.test", Password, Accounts.SetupPath(fixture.App));
        var a = await fixture.NewRegisteredPageAsync(emailA, Password);
        var b = await fixture.NewRegisteredPageAsync(emailB, Password);
        var c = await fixture.NewRegisteredPageAsync(emailC, Password);

        // The Admin makes the team and adds A and B as members.
        await admin.GotoAsync("/admin/teams");
        await BrowserFixture.WaitUntilInteractiveAsync(admin);
        await TextBox(admin, "team-new-name").FillAsync(teamName);
        await admin.GetByTestId("team-create").ClickAsync();
        await Expect(admin.GetByTestId("teams-message")).ToContainTextAsync($"Team “{teamName}” created.");
        await admin.GetByTestId("teams-table").Locator("tr").Filter(new() { HasText = teamName }).GetByTestId("team-manage").ClickAsync();
        var detail = admin.GetByTestId("team-detail");
        foreach (var email in new[] { emailA, emailB })
        {
            await TextBox(detail, "member-email").FillAsync(email);
            await detail.GetByTestId("member-add").ClickAsync();
            await Expect(admin.GetByTestId("teams-message")).ToContainTextAsync($"{email} is in the team as member.");
        }
        await Expect(detail.GetByTestId("member-row")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(admin, "gallery-0-admin-team");

        // B opens the gallery before anything is shared; a flag on the window tells whether the page was ever reloaded.
        await b.GotoAsync("/gallery");
        await BrowserFixture.WaitUntilInteractiveAsync(b);
        await Expect(b.GetByTestId("gallery-empty")).ToContainTextAsync("Nothing has been shared to your teams yet.");
        await b.EvaluateAsync("() => { window.__sameDocument = true; }");

        // A cuts out a photo with the local engine in the Studio and shares it from the result view.
        await a.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("rocket.jpg"));
        await Expect(a.Locator("[data-testid=upload-card][data-file='rocket.jpg']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
        var share = a.GetByTestId("result-view").GetByTestId("share-control");
        await Expect(share.GetByTestId("share-status")).ToContainTextAsync("Not shared.");
        await share.GetByTestId("share-button").ClickAsync(); // A's only team is chosen already
        await Expect(share.GetByTestId("share-message")).ToHaveTextAsync("Shared to the team's gallery.");
        await Expect(share.GetByTestId("share-status")).ToContainTextAsync($"Shared to {teamName}.");

        // B's open gallery shows it without a reload: who, what, with a thumbnail that loads.
        var item = b.GetByTestId("gallery-item");
        await Expect(item).ToHaveCountAsync(1);
        Assert.True(await b.EvaluateAsync<bool>("() => window.__sameDocument === true"), "B's gallery was reloaded");
        await Expect(item.GetByTestId("gallery-who")).ToHaveTextAsync($"{emailA} · {teamName}");
        await Expect(item).ToContainTextAsync("rocket.jpg");
        await Expect(b.GetByTestId("gallery-count")).ToHaveTextAsync("1 shared result");
        var thumbnail = item.GetByTestId("gallery-open").Locator("img");
        await BrowserFixture.WaitLoadedAsync(thumbnail);
        var thumbnailUrl = await thumbnail.GetAttributeAsync("src");
        Assert.Matches("/assets/", thumbnailUrl);
        await BrowserFixture.ScreenshotAsync(b, "gallery-1-grid");

        // The lightbox: the before/after view of A's task, and the cut-out downloads as a real PNG.
        await item.GetByTestId("gallery-open").ClickAsync();
        var lightbox = b.Locator(".mud-dialog");
        var view = lightbox.GetByTestId("result-view");
        await Expect(view).ToBeVisibleAsync();
        await Expect(lightbox).ToContainTextAsync($"Shared by {emailA} to {teamName}");
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-after"));
        await BrowserFixture.WaitLoadedAsync(view.GetByTestId("viewer-before"));
        await Expect(view.GetByTestId("share-button")).ToHaveCountAsync(0); // a teammate sees where it is shared, not the controls
        await Expect(view.GetByTestId("share-status")).ToContainTextAsync($"Shared to {teamName}.");
        await b.SetViewportSizeAsync(1280, 1100);
        await BrowserFixture.ScreenshotAsync(b, "gallery-2-lightbox");
        var download = await b.RunAndWaitForDownloadAsync(() => view.GetByTestId("download-result").ClickAsync());
        Assert.Equal(Downloads.PngSignature, (await Downloads.ReadAsync(download))[..8]);
        Assert.EndsWith(".png", download.SuggestedFilename);
        var assetUrl = await view.GetByTestId("viewer-after").GetAttributeAsync("src");
        Assert.Matches("/assets/", assetUrl);
        var lightboxUrl = await lightbox.GetByTestId("lightbox-link").GetAttributeAsync("href");
        Assert.Matches("^/gallery/[0-9a-f]{32}$", lightboxUrl);
        await lightbox.GetByTestId("lightbox-close").ClickAsync();
        await Expect(b.Locator(".mud-dialog")).ToHaveCountAsync(0);

        // The filters: a search that finds it, one that does not, then all of them reset.
        var filters = b.GetByTestId("gallery-filters");
        await TextBox(filters, "gallery-search").FillAsync("rocket");
        await Expect(b.GetByTestId("gallery-item")).ToHaveCountAsync(1);
        await TextBox(filters, "filter-tag").FillAsync("no-such-tag");
        await Expect(b.GetByTestId("gallery-empty")).ToHaveTextAsync("Nothing matches these filters.");
        await Expect(b.GetByTestId("gallery-item")).ToHaveCountAsync(0);
        await b.SetViewportSizeAsync(1280, 800);
        await BrowserFixture.ScreenshotAsync(b, "gallery-3-filters");
        // The filters are in the address: a reload keeps them, in the fields and in what is shown.
        await Expect(b).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/gallery\?(.*&)?tag=no-such-tag(&.*)?$"));
        Assert.Contains("q=rocket", b.Url);
        await b.ReloadAsync();
        await Expect(TextBox(filters, "gallery-search")).ToHaveValueAsync("rocket");
        await Expect(TextBox(filters, "filter-tag")).ToHaveValueAsync("no-such-tag");
        await Expect(b.GetByTestId("gallery-empty")).ToHaveTextAsync("Nothing matches these filters.");
        await filters.GetByTestId("filter-reset").ClickAsync();
        await Expect(b.GetByTestId("gallery-item")).ToHaveCountAsync(1);
        await Expect(b).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/gallery\??$"));

        // C, outside the team: the asset, its thumbnail, its download and the lightbox's address are all "not found".
        foreach (var url in new[] { assetUrl!, thumbnailUrl!, assetUrl + "/download" })
        {
            var refused = await c.GotoAsync(url);
            Assert.Equal(404, refused!.Status);
            await Expect(c.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        }
        var lightboxRefused = await c.GotoAsync(lightboxUrl!);
        Assert.Equal(404, lightboxRefused!.Status);
        Assert.EndsWith(lightboxUrl!, c.Url); // refused where it was asked for, not redirected
        await Expect(c.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Expect(c.GetByTestId("result-view")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(c, "gallery-4-outsider-not-found");
        await c.GotoAsync("/gallery");
        await BrowserFixture.WaitUntilInteractiveAsync(c);
        await Expect(c.GetByTestId("gallery-no-team")).ToBeVisibleAsync();
        await Expect(c.GetByTestId("gallery-item")).ToHaveCountAsync(0);

        // …while the same address opens the lightbox for B.
        var opened = await b.GotoAsync(lightboxUrl!);
        Assert.Equal(200, opened!.Status);
        await BrowserFixture.WaitUntilInteractiveAsync(b);
        await BrowserFixture.WaitLoadedAsync(b.Locator(".mud-dialog").GetByTestId("viewer-after"));
        await b.Locator(".mud-dialog").GetByTestId("lightbox-close").ClickAsync();
        await b.EvaluateAsync("() => { window.__sameDocument = true; }");

        // A unshares it: it leaves B's grid without a reload, and its asset is then refused to B too.
        await share.GetByTestId("unshare-button").ClickAsync();
        await Expect(share.GetByTestId("share-status")).ToContainTextAsync("Not shared.");
        await Expect(b.GetByTestId("gallery-item")).ToHaveCountAsync(0);
        await Expect(b.GetByTestId("gallery-empty")).ToBeVisibleAsync();
        Assert.True(await b.EvaluateAsync<bool>("() => window.__sameDocument === true"), "B's gallery was reloaded");
        var gone = await b.Context.APIRequest.GetAsync(assetUrl!);
        Assert.Equal(404, gone.Status);

        foreach (var page in new[] { admin, a, b, c })
            await page.Context.CloseAsync();
    }

    // MudTextField puts the test id on its <input> itself (extra attributes go there).
    private static ILocator TextBox(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    private static ILocator TextBox(ILocator scope, string testId) =>
        scope.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
}
