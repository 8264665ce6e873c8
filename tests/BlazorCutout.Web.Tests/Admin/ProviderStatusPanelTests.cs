using Bunit;
using BlazorCutout.Providers;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Web.Admin.Providers;
using BlazorCutout.Web.Admin.Usage;
using BlazorCutout.Web.Tests.Studio;
using BlazorCutout.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace BlazorCutout.Web.Tests.Admin;

/// <summary>Issue #12 item 2: the provider status panel on /admin/usage shows what the provider layer knows, and tests a connection on request.</summary>
public sealed class ProviderStatusPanelTests
{
    private static readonly DateTimeOffset Opened = new(2026, 12, 4, 20, 15, 0, TimeSpan.Zero);

    [Fact]
    public void Each_provider_shows_its_circuit_its_newest_error_with_its_time_and_its_hold()
    {
        using var context = NewContext(new FakeStatus());
        var panel = context.Render<ProviderStatusPanel>();

        var picwish = panel.Find("tr[data-provider=picwish]");
        Assert.Equal("open", picwish.QuerySelector("[data-testid=circuit]")!.GetAttribute("data-state"));
        Assert.Equal("open since 2026-12-04 20:15 UTC: requests paused", picwish.QuerySelector("[data-testid=circuit]")!.TextContent);
        // The breaker's outage (20:15) is newer than the last failed task (19:00).
        Assert.Equal("2026-12-04 20:15 UTC: HTTP 503 (no answer or a server error)", picwish.QuerySelector("[data-testid=last-error]")!.TextContent);
        Assert.Equal("The API key was refused; an administrator must check it.", picwish.QuerySelector("[data-testid=account-hold]")!.TextContent);

        var hitpaw = panel.Find("tr[data-provider=hitpaw]");
        Assert.Equal("closed", hitpaw.QuerySelector("[data-testid=circuit]")!.TextContent);
        Assert.Equal("2026-12-04 18:30 UTC: HitPaw coins exhausted; an admin must top up the HitPaw account.", hitpaw.QuerySelector("[data-testid=last-error]")!.TextContent);
        Assert.Equal("none", hitpaw.QuerySelector("[data-testid=account-hold]")!.TextContent);

        Assert.Contains("no balance is shown", panel.Find("[data-testid=balance-note]").TextContent);
    }

    [Fact]
    public void Test_connection_shows_what_the_service_answered_for_that_provider_only()
    {
        var status = new FakeStatus();
        using var context = NewContext(status);
        var panel = context.Render<ProviderStatusPanel>();

        panel.Find("tr[data-provider=picwish] [data-testid=test-connection]").Click();

        panel.WaitForAssertion(() =>
        {
            var result = panel.Find("tr[data-provider=picwish] [data-testid=connection-result]");
            Assert.Equal(nameof(ConnectionTestOutcome.KeyRefused), result.GetAttribute("data-outcome"));
            Assert.Equal("PicWish refused the API key (HTTP 401).", result.TextContent);
        });
        Assert.Empty(panel.FindAll("tr[data-provider=hitpaw] [data-testid=connection-result]"));
        Assert.Equal(["picwish"], status.Tested);
        Assert.Equal(2, status.Listed); // listed again after the test: a hold may have changed
    }

    [Fact]
    public async Task In_the_app_every_remote_provider_is_listed_and_a_test_without_a_key_or_a_free_call_says_why()
    {
        using var app = new AppFactory();
        await using var scope = app.Services.CreateAsyncScope();
        var status = scope.ServiceProvider.GetRequiredService<IProviderStatus>();

        var views = await status.ListAsync(); // the last-failed-task query runs against the real database
        Assert.Equal(["gptge", "hitpaw", "picwish", "tengr"], views.Select(v => v.Id).Order());
        Assert.All(views, v => Assert.Equal(CircuitState.Closed, v.Health.Circuit));

        var picwish = await status.TestConnectionAsync("picwish");
        Assert.Equal((ConnectionTestOutcome.Failed, "No API key is configured for PicWish."), (picwish.Outcome, picwish.Message));
        var gptge = await status.TestConnectionAsync("gptge");
        Assert.Equal(ConnectionTestOutcome.NotOffered, gptge.Outcome);
        Assert.Equal(ConnectionTestOutcome.Failed, (await status.TestConnectionAsync("nonesuch")).Outcome);
    }

    private static BunitContext NewContext(FakeStatus status)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton<IProviderStatus>(status);
        return context;
    }

    private sealed class FakeStatus : IProviderStatus
    {
        public List<string> Tested { get; } = [];
        public int Listed { get; private set; }

        public Task<IReadOnlyList<ProviderStatusView>> ListAsync(CancellationToken cancellationToken = default)
        {
            Listed++;
            IReadOnlyList<ProviderStatusView> views =
            [
                new(View("picwish", "PicWish", ProviderAvailability.Unavailable("The API key was refused; an administrator must check it.")),
                    new ProviderHealthSnapshot(CircuitState.Open, Opened, "HTTP 503", Opened),
                    new LastFailedTask("PicWish timed out.", new DateTime(2026, 12, 4, 19, 0, 0, DateTimeKind.Utc))),
                new(View("hitpaw", "HitPaw", null), ProviderHealthSnapshot.Unknown,
                    new LastFailedTask("HitPaw coins exhausted; an admin must top up the HitPaw account.", new DateTime(2026, 12, 4, 18, 30, 0, DateTimeKind.Utc))),
            ];
            return Task.FromResult(views);
        }

        public Task<ConnectionTestResult> TestConnectionAsync(string providerId, CancellationToken cancellationToken = default)
        {
            Tested.Add(providerId);
            return Task.FromResult(new ConnectionTestResult(ConnectionTestOutcome.KeyRefused, "PicWish refused the API key (HTTP 401).", Opened));
        }

        private static ProviderAdminView View(string id, string name, ProviderAvailability? hold) => new(
            FakeTaskService.Remote(id, name), Enabled: true, BaseUrl: new Uri($"https://{id}.example/"),
            hold ?? ProviderAvailability.Available, hold, new ProviderKeyStatus(ProviderKeySource.Stored, "sk-…cdef", false),
            new StoredProviderSettings(null, null, null, null, null, null, null, null), []);
    }
}
