using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Admin;

/// <summary>
/// Its own app (fresh database; the Admin registers through the start-up log's set-up link). The Admin sets a daily task limit of 1 for a member
/// on the usage page; the member's first cut-out goes through the local engine, the second is refused with the
/// budget's message; the dashboard then shows the member's task and the chart.
/// </summary>
public sealed class BudgetJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = "Account-Passw0rd!";

    [Fact]
    public async Task An_admin_sets_a_budget_a_member_exceeds_it_and_the_dashboard_shows_the_members_use()
    {
        var adminEmail = $"admin-{Guid.NewGuid():N}@example.test";
        var memberEmail = $"member-{Guid.NewGuid():N}@example.test";
        var admin = await fixture.NewRegisteredPageAsync(adminEmail, Password, Accounts.SetupPath(fixture.App));
        var member = await fixture.NewRegisteredPageAsync(memberEmail, Password);

        await admin.GotoAsync("/admin/usage");
        await BrowserFixture.WaitUntilInteractiveAsync(admin);
        var budgets = admin.GetByTestId("budgets");
        await PickAsync(admin, budgets.GetByTestId("budget-target"), $"User {memberEmail}");
        await PickAsync(admin, budgets.GetByTestId("budget-kind"), "Daily tasks");
        // MudTextField puts extra attributes on its <input> itself.
        await budgets.Locator("input[data-testid=budget-limit], [data-testid=budget-limit] input").First.FillAsync("1");
        await budgets.GetByTestId("budget-save").ClickAsync();
        await Expect(budgets.GetByTestId("budget-row")).ToContainTextAsync(memberEmail);
        await Expect(budgets.GetByTestId("budget-row")).ToContainTextAsync("0 of 1 tasks today");

        await member.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("rocket.jpg"));
        await Expect(member.Locator("[data-testid=upload-card][data-file='rocket.jpg']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
        await member.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("chelsea.png"));
        var refused = member.Locator("[data-testid=upload-card][data-file='chelsea.png']");
        await Expect(refused).ToHaveAttributeAsync("data-state", "rejected");
        await Expect(refused.GetByTestId("card-error")).ToContainTextAsync("Your daily limit of 1 tasks is reached (1 today)");
        await Expect(refused.GetByTestId("card-error")).ToContainTextAsync(new Regex(@"resets on \d{4}-\d\d-\d\d at 00:00 UTC"));
        await BrowserFixture.ScreenshotAsync(member, "admin-budget-refused");

        await admin.GotoAsync("/admin/usage?range=today");
        await BrowserFixture.WaitUntilInteractiveAsync(admin);
        await Expect(admin.GetByTestId("budget-banner")).ToContainTextAsync(memberEmail); // 1 of 1: at 100 %
        await Expect(admin.GetByTestId("total-tasks")).ToHaveTextAsync("1");
        var memberRow = admin.GetByTestId("by-user").Locator("tr").Filter(new() { HasText = memberEmail });
        await Expect(memberRow.Locator("[data-col=tasks]")).ToHaveTextAsync("1");
        await Expect(memberRow.Locator("[data-col=coins]")).ToContainTextAsync("0 coins");
        await Expect(admin.GetByTestId("tasks-chart").Locator("svg")).ToBeVisibleAsync();
        await Expect(admin.GetByTestId("by-provider")).ToContainTextAsync("Local engine");
        await BrowserFixture.ScreenshotAsync(admin, "admin-usage-dashboard");

        await admin.GotoAsync("/admin/users");
        await BrowserFixture.WaitUntilInteractiveAsync(admin);
        await Expect(admin.GetByTestId("users-table").Locator($"tr[data-user='{memberEmail}']")).ToContainTextAsync("Member");
        await BrowserFixture.ScreenshotAsync(admin, "admin-users-accounts");

        await admin.Context.CloseAsync();
        await member.Context.CloseAsync();
    }

    /// <summary>MudSelect: open its list, then pick the option by its text (the list is a popover at the page's end).</summary>
    private static async Task PickAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open").GetByText(option, new() { Exact = true }).ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }
}
