using BlazorCutout.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Studio;

/// <summary>An app that takes two images per client address per minute.</summary>
public sealed class TwoImagesPerMinuteFixture : BrowserFixture
{
    protected override Dictionary<string, string> Environment => new(base.Environment)
    {
        ["BlazorCutout__Security__RateLimits__ImagesPerMinute"] = "2",
    };
}

/// <summary>
/// Issue #13 item 2 for the Studio: files come in through the Blazor circuit, and the circuit knows the address of the
/// page request that started it, so two clients behind different addresses have their own budgets of images.
/// </summary>
public sealed class ImageRateLimitTests(TwoImagesPerMinuteFixture fixture) : IClassFixture<TwoImagesPerMinuteFixture>
{
    [Fact]
    public async Task The_third_image_from_one_address_in_a_minute_is_refused_with_when_to_retry_while_another_address_goes_on()
    {
        // Both come through loopback, which the app believes about X-Forwarded-For: two clients, two addresses.
        var first = await fixture.NewPageAsync(headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.7" });
        await BrowserFixture.RegisterAsync(first, "limited", "Limited-Passw0rd!");
        await first.Locator("input#studio-files").SetInputFilesAsync(
            [RepoPaths.TestImage("rocket.jpg"), RepoPaths.TestImage("chelsea.png"), RepoPaths.TestImage("coffee.png")]);

        foreach (var name in new[] { "rocket.jpg", "chelsea.png" })
            await Expect(first.Locator($"[data-testid=upload-card][data-file='{name}']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
        var refused = first.Locator("[data-testid=upload-card][data-file='coffee.png']");
        await Expect(refused).ToHaveAttributeAsync("data-state", "rejected");
        await Expect(refused.GetByTestId("card-error")).ToContainTextAsync(
            new System.Text.RegularExpressions.Regex(@"^Too many images from your address in the last minute\. Try again in \d+ seconds\.$"));
        await BrowserFixture.ScreenshotAsync(first, "image-rate-limit");

        var second = await fixture.NewPageAsync(headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.8" });
        await BrowserFixture.RegisterAsync(second, "other", "Other-Passw0rd!");
        await second.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("coffee.png"));
        await Expect(second.Locator("[data-testid=upload-card][data-file='coffee.png']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });

        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }
}
