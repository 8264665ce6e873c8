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
    public async Task Registering_signs_the_new_account_in_and_opens_the_studio()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        using var response = await browser.RegisterAsync(email);

        HttpAssert.RedirectsTo(response, "/studio");
        var studio = await browser.GetPageAsync("/studio");
        Assert.Contains(">Studio</h1>", studio);
        Assert.Contains(email, studio); // the account menu names the signed-in user
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_the_rules_and_creates_nothing()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        using var response = await browser.RegisterAsync(email, password: "password123");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Passwords must have at least one uppercase", html);
        Assert.Contains("Passwords must have at least one non alphanumeric character", html);
        Assert.Equal(0, await CountUsersAsync(email));
    }

    [Fact]
    public async Task A_too_short_password_is_refused_before_reaching_identity()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();

        using var response = await browser.RegisterAsync(email, password: "Ab1!");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("The password must be 8 to 100 characters long.", html);
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
    public async Task A_duplicate_email_gets_one_clear_message_and_leaves_the_first_account_alone()
    {
        var email = TestBrowser.UniqueEmail();
        using (var first = app.CreateBrowser())
            await first.RegisterSignedInAsync(email);

        using var second = app.CreateBrowser();
        using var response = await second.RegisterAsync(email.ToUpperInvariant(), password: "Another-Passw0rd!");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "An account with this e-mail address already exists."));
        Assert.Equal(1, await CountUsersAsync(email));
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
