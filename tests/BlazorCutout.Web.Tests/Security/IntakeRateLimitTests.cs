using System.Text.RegularExpressions;
using Bunit;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Studio;
using BlazorCutout.Web.Tests.Studio;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tests.Security;

/// <summary>
/// Issue #13 item 2: images come into the Studio through the circuit, not as HTTP requests the rate-limiting middleware
/// sees, so they are counted per client address on their own (<see cref="IntakeRateLimiter"/>).
/// </summary>
public sealed class IntakeRateLimitTests
{
    [Fact]
    public void Each_address_has_its_own_budget_and_a_refusal_says_when_to_try_again()
    {
        using var limiter = new IntakeRateLimiter(Options.Create(new RateLimitOptions { ImagesPerMinute = 2 }));

        Assert.Null(limiter.TryTake("203.0.113.7"));
        Assert.Null(limiter.TryTake("203.0.113.7"));
        var refused = limiter.TryTake("203.0.113.7");
        Assert.NotNull(refused);
        Assert.Matches(new Regex(@"^Too many images from your address in the last minute\. Try again in ([1-9]|[1-5][0-9]|60) seconds\.$"), refused);
        Assert.Null(limiter.TryTake("203.0.113.8"));
    }

    [Fact]
    public async Task An_image_url_over_the_limit_is_refused_on_its_card_and_the_address_stays_in_the_field()
    {
        await using var renderer = new StudioRenderer(imagesPerMinute: 1);
        var studio = renderer.Render<StudioPage>();

        // The first one is counted (the test double's fetch then refuses it for its own reason).
        await AddUrlAsync(studio, "https://example.com/first.png");
        studio.WaitForAssertion(() => Assert.Equal("Not in tests.", studio.Find("[data-file='first.png'] [data-testid=card-error]").TextContent));

        await AddUrlAsync(studio, "https://example.com/second.png");
        studio.WaitForAssertion(() => Assert.StartsWith("Too many images from your address in the last minute. Try again in ",
            studio.Find("[data-file='second.png'] [data-testid=card-error]").TextContent));
        Assert.Equal("https://example.com/second.png", studio.Find("form.url-row input").GetAttribute("value"));
    }

    private static async Task AddUrlAsync(IRenderedComponent<StudioPage> studio, string url)
    {
        await studio.Find("form.url-row input").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = url });
        await studio.Find("form.url-row").SubmitAsync();
    }
}
