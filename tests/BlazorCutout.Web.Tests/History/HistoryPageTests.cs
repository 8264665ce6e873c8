using BlazorCutout.Web.History;
using BlazorCutout.Web.Tests.Studio;

namespace BlazorCutout.Web.Tests.History;

public sealed class HistoryPageTests
{
    [Fact]
    public async Task History_offers_filters_for_state_provider_operation_and_dates()
    {
        await using var renderer = new StudioRenderer();

        var html = await renderer.RenderAsync<HistoryPage>();

        Assert.Contains("<h1", html);
        foreach (var label in new[] { "State", "Provider", "Operation", "From", "To" })
            Assert.Contains($"<span>{label}</span>", html);
        Assert.Contains("data-testid=\"history-grid\"", html);
        Assert.Contains("href=\"studio\"", html);
    }
}
