using BlazorCutout.Web.Account;
using BlazorCutout.Web.Admin.Users;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tests.Budgets;
using BlazorCutout.Web.Tests.Tasks.Support;
using BlazorCutout.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Admin;

public sealed class UserAdminTests
{
    private static async Task<bool> IsAdminAsync(TasksApp app, string id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await users.IsInRoleAsync((await users.FindByIdAsync(id))!, Roles.Admin);
    }

    [Fact]
    public async Task The_last_admin_is_never_demoted_locked_or_deleted_and_another_admin_makes_it_possible()
    {
        await using var app = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false");
        var first = await app.SignInNewAdminAsync();
        var second = await app.SignInNewUserAsync(); // Member
        await using var scope = app.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdmin>();

        foreach (var attempt in new Func<Task>[] { () => admin.SetAdminAsync(first.Id, false), () => admin.SetLockedAsync(first.Id, true), () => admin.DeleteAsync(first.Id) })
            Assert.Contains("is the last Admin", (await Assert.ThrowsAsync<UserAdminException>(attempt)).Message);
        Assert.True(await IsAdminAsync(app, first.Id));

        await admin.SetAdminAsync(second.Id, true);
        await admin.SetAdminAsync(first.Id, false);
        Assert.False(await IsAdminAsync(app, first.Id));
        Assert.True(await IsAdminAsync(app, second.Id));
        Assert.Contains("is the last Admin", (await Assert.ThrowsAsync<UserAdminException>(() => admin.SetAdminAsync(second.Id, false))).Message);
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_leave_one_admin()
    {
        await using var app = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false");
        var first = await app.SignInNewAdminAsync();
        var second = await app.SignInNewUserAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdmin>();
        await admin.SetAdminAsync(second.Id, true);

        var results = await Task.WhenAll(new[] { first.Id, second.Id }.Select(id => Task.Run(async () =>
        {
            try { await admin.SetAdminAsync(id, false); return true; }
            catch (UserAdminException) { return false; }
        })));

        Assert.Equal(1, results.Count(ok => ok));
        Assert.Equal(1, (await IsAdminAsync(app, first.Id) ? 1 : 0) + (await IsAdminAsync(app, second.Id) ? 1 : 0));
    }

    [Fact]
    public async Task Search_lock_unlock_teams_and_this_months_spend_per_unit()
    {
        await using var app = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false");
        await app.SignInNewAdminAsync();
        var member = await app.SignInNewUserAsync();
        await BudgetTests.CreateTeamAsync(app, "Design", member.Id);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await app.DbAsync(async db =>
        {
            db.CostEntries.AddRange(BudgetTests.Ledger(member.Id, 2.5m, "credits", today), BudgetTests.Ledger(member.Id, 3m, "coins", today),
                BudgetTests.Ledger(member.Id, 40m, "coins", new DateOnly(today.Year, today.Month, 1).AddDays(-1)));
            return await db.SaveChangesAsync();
        });
        var email = await app.DbAsync(db => db.Users.Where(u => u.Id == member.Id).Select(u => u.Email!).SingleAsync());
        await using var scope = app.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdmin>();

        var row = Assert.Single(await admin.SearchAsync(email[..12].ToUpperInvariant()));
        Assert.Equal((email, false, false), (row.Email, row.IsAdmin, row.LockedOut));
        Assert.Equal(["Design"], row.Teams);
        Assert.Equal([3m, 2.5m], row.SpendThisMonth.Select(c => c.Reported));
        Assert.Equal(["coins", "credits"], row.SpendThisMonth.Select(c => c.Unit));

        await admin.SetLockedAsync(member.Id, true);
        Assert.True(Assert.Single(await admin.SearchAsync(email)).LockedOut);
        using (var browser = new TestBrowser(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true })))
            HttpAssert.RedirectsTo(await browser.LoginAsync(email), "/Account/Lockout");
        await admin.SetLockedAsync(member.Id, false);
        Assert.False(Assert.Single(await admin.SearchAsync(email)).LockedOut);
    }
}
