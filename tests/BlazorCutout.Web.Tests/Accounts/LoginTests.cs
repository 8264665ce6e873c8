using System.Net;
using BlazorCutout.Web.Account;
using BlazorCutout.Web.Tests.Support;

namespace BlazorCutout.Web.Tests.Accounts;

public sealed class LoginTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Logging_in_with_the_right_password_opens_the_studio()
    {
        var email = await RegisterInOtherBrowserAsync();
        using var browser = app.CreateBrowser();

        using var response = await browser.LoginAsync(email);

        HttpAssert.RedirectsTo(response, "/studio");
        Assert.Contains(">Studio</h1>", await browser.GetPageAsync("/studio"));
    }

    [Fact]
    public async Task Logging_in_returns_to_the_page_that_asked_for_it_but_never_to_another_site()
    {
        var email = await RegisterInOtherBrowserAsync();

        using (var browser = app.CreateBrowser())
        using (var local = await browser.SubmitFormAsync("/Account/Login?ReturnUrl=%2Fhistory", "login", Credentials(email)))
            HttpAssert.RedirectsTo(local, "/history");

        using (var browser = app.CreateBrowser())
        using (var external = await browser.SubmitFormAsync("/Account/Login?ReturnUrl=https%3A%2F%2Fevil.example%2F", "login", Credentials(email)))
            HttpAssert.RedirectsTo(external, "/studio");
    }

    [Fact]
    public async Task A_wrong_password_gets_a_message_that_does_not_reveal_whether_the_account_exists()
    {
        var email = await RegisterInOtherBrowserAsync();
        using var browser = app.CreateBrowser();

        using var wrongPassword = await browser.LoginAsync(email, "Wrong-Passw0rd!");
        using var unknownAccount = await browser.LoginAsync(TestBrowser.UniqueEmail("nobody"), "Wrong-Passw0rd!");

        const string message = "The e-mail address or password is not correct.";
        Assert.Equal(HttpStatusCode.OK, wrongPassword.StatusCode);
        Assert.Contains(message, await wrongPassword.Content.ReadAsStringAsync());
        Assert.Contains(message, await unknownAccount.Content.ReadAsStringAsync());
        HttpAssert.RedirectsToLogin(await browser.GetAsync("/studio"));
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_password()
    {
        var email = await RegisterInOtherBrowserAsync();
        using var browser = app.CreateBrowser();
        const int maxFailedAttempts = 5; // the default of BlazorCutout:Security:MaxFailedAccessAttempts

        for (var attempt = 1; attempt < maxFailedAttempts; attempt++)
        {
            using var failed = await browser.LoginAsync(email, "Wrong-Passw0rd!");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }
        using var last = await browser.LoginAsync(email, "Wrong-Passw0rd!");
        HttpAssert.RedirectsTo(last, "/Account/Lockout");

        using var rightPassword = await browser.LoginAsync(email);
        HttpAssert.RedirectsTo(rightPassword, "/Account/Lockout");
        var lockoutPage = await browser.GetPageAsync("/Account/Lockout");
        Assert.Contains("locked for", lockoutPage);
        HttpAssert.RedirectsToLogin(await browser.GetAsync("/studio"));
    }

    [Fact]
    public async Task Logging_out_ends_the_session()
    {
        using var browser = app.CreateBrowser();
        await browser.RegisterSignedInAsync(TestBrowser.UniqueEmail());

        using var response = await browser.LogoutAsync();

        HttpAssert.RedirectsTo(response, "/Account/Login");
        HttpAssert.RedirectsToLogin(await browser.GetAsync("/studio"));
    }

    [Fact]
    public async Task Logging_out_needs_the_antiforgery_token_so_other_sites_cannot_do_it()
    {
        using var browser = app.CreateBrowser();
        await browser.RegisterSignedInAsync(TestBrowser.UniqueEmail());

        using var response = await browser.Client.PostAsync(AccountEndpoints.LogoutPath, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/studio")).StatusCode);
    }

    [Fact]
    public async Task A_tampered_auth_cookie_is_treated_as_signed_out()
    {
        using var browser = app.CreateBrowser();
        var email = TestBrowser.UniqueEmail();
        using (await browser.RegisterAsync(email)) { }
        using var registered = await browser.LoginAsync(email); // the response that sets the auth cookie
        var cookie = registered.Headers.GetValues("Set-Cookie")
            .Select(header => header.Split(';')[0])
            .Single(pair => pair.StartsWith(AccountServiceCollectionExtensions.AuthCookieName + "=", StringComparison.Ordinal));
        var value = cookie[(cookie.IndexOf('=') + 1)..];
        var tampered = value[..^6] + (value[^6] == 'A' ? 'B' : 'A') + value[^5..];

        foreach (var forged in new[] { tampered, "not-a-real-ticket" })
        {
            using var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, "/studio");
            request.Headers.Add("Cookie", $"{AccountServiceCollectionExtensions.AuthCookieName}={forged}");
            HttpAssert.RedirectsToLogin(await client.SendAsync(request));
        }

        // Control: the untouched cookie does open the page, so the redirects above come from the tampering.
        using var controlClient = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var control = new HttpRequestMessage(HttpMethod.Get, "/studio");
        control.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await controlClient.SendAsync(control)).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_replaces_the_old_one()
    {
        var email = TestBrowser.UniqueEmail();
        using var browser = app.CreateBrowser();
        await browser.RegisterSignedInAsync(email);
        const string newPassword = "Brand-New-Passw0rd!";

        using var wrongCurrent = await browser.SubmitFormAsync("/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = "Not-The-Passw0rd!",
            ["Input.NewPassword"] = newPassword,
            ["Input.ConfirmPassword"] = newPassword,
        });
        Assert.Contains("The current password is not correct.", await wrongCurrent.Content.ReadAsStringAsync());

        using var changed = await browser.SubmitFormAsync("/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = TestBrowser.StrongPassword,
            ["Input.NewPassword"] = newPassword,
            ["Input.ConfirmPassword"] = newPassword,
        });
        Assert.Contains("Your password has been changed.", await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/studio")).StatusCode); // this browser stays signed in

        using var other = app.CreateBrowser();
        using var oldLogin = await other.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, oldLogin.StatusCode);
        using var newLogin = await other.LoginAsync(email, newPassword);
        HttpAssert.RedirectsTo(newLogin, "/studio");
    }

    private async Task<string> RegisterInOtherBrowserAsync()
    {
        var email = TestBrowser.UniqueEmail();
        using var browser = app.CreateBrowser();
        await browser.RegisterSignedInAsync(email);
        return email;
    }

    private static Dictionary<string, string> Credentials(string email) => new()
    {
        ["Input.Email"] = email,
        ["Input.Password"] = TestBrowser.StrongPassword,
    };
}
