using System.Net;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Accounts;

public sealed class RegistrationTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Registering_leads_to_the_log_in_page_and_the_new_account_then_opens_the_studio()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        using var response = await browser.RegisterAsync(email);

        HttpAssert.RedirectsTo(response, "/Account/Login?registered=true");
        Assert.Contains(BlazorCutout.Web.Account.Pages.Login.RegisteredNotice, await browser.GetPageAsync("/Account/Login?registered=true"));
        HttpAssert.RedirectsTo(await browser.LoginAsync(email), "/studio");
        var studio = await browser.GetPageAsync("/studio");
        Assert.Contains(">Studio</h1>", studio);
        Assert.Contains(email, studio); // the account menu names the signed-in user
    }

    [Fact]
    public async Task A_password_under_twelve_characters_is_refused_with_the_rule_and_creates_nothing()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        using var response = await browser.RegisterAsync(email, password: "password123"); // 11 characters

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("The password must be 12 to 100 characters long.", html);
        Assert.Equal(0, await CountUsersAsync(email));
    }

    [Fact]
    public async Task A_long_password_needs_no_upper_case_digit_or_symbol()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        await browser.RegisterSignedInAsync(email, password: "correct horse battery staple");

        Assert.Equal(1, await CountUsersAsync(email));
    }

    [Fact]
    public async Task A_too_short_password_is_refused_before_reaching_identity()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        using var response = await browser.RegisterAsync(email, password: "Ab1!");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("The password must be 12 to 100 characters long.", html);
        Assert.Equal(0, await CountUsersAsync(email));
    }

    [Fact]
    public async Task Mismatched_password_confirmation_is_refused()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        using var response = await browser.RegisterAsync(email, confirmPassword: TestBrowser.StrongPassword + "x");

        Assert.Contains("The two passwords do not match.", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await CountUsersAsync(email));
    }

    [Fact]
    public async Task A_taken_email_gets_the_same_answer_as_a_new_one_and_leaves_the_first_account_alone()
    {
        var email = TestBrowser.UniqueEmail();
        using (var first = app.CreateBrowser())
            await first.RegisterSignedInAsync(email);

        using var second = app.CreateBrowser();
        using var response = await second.RegisterAsync(email.ToUpperInvariant(), password: "Another-Passw0rd!");
        using var fresh = await app.CreateBrowser().RegisterAsync(TestBrowser.UniqueEmail(), password: "Another-Passw0rd!");

        // Same status, same place, no cookie either way: the form does not tell which addresses have accounts.
        HttpAssert.RedirectsTo(response, "/Account/Login?registered=true");
        HttpAssert.RedirectsTo(fresh, "/Account/Login?registered=true");
        Assert.Equal(fresh.Headers.Contains("Set-Cookie") && fresh.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(BlazorCutout.Web.Account.AccountServiceCollectionExtensions.AuthCookieName)),
            response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(BlazorCutout.Web.Account.AccountServiceCollectionExtensions.AuthCookieName)));
        Assert.Equal(1, await CountUsersAsync(email));
        Assert.Contains(app.Logs.Lines, l => l.Contains("already has an account"));
        // The original password still works: nothing about the first account was changed.
        using var login = await second.LoginAsync(email);
        HttpAssert.RedirectsTo(login, "/studio");
    }

    [Fact]
    public async Task An_invalid_email_is_refused()
    {
        using var browser = app.CreateBrowser();

        using var response = await browser.RegisterAsync("not-an-email");

        Assert.Contains("This is not a valid e-mail address.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_rejected()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        using var response = await browser.Client.PostAsync("/Account/Register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "register",
            ["Input.Email"] = email,
            ["Input.Password"] = TestBrowser.StrongPassword,
            ["Input.ConfirmPassword"] = TestBrowser.StrongPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountUsersAsync(email));
    }

    private async Task<int> CountUsersAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var normalized = users.NormalizeEmail(email);
        return await users.Users.CountAsync(u => u.NormalizedEmail == normalized);
    }
}
