using System.Net;
using BlazorCutout.Web.Tests.Support;

namespace BlazorCutout.Web.Tests.Shell;

public sealed class PageAccessTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/studio")]
    [InlineData("/history")]
    [InlineData("/gallery")]
    [InlineData("/admin")]
    [InlineData("/Account/Manage/ChangePassword")]
    public async Task Anonymous_visitors_are_sent_to_the_login_page_and_back_afterwards(string path)
    {
        using var browser = app.CreateBrowser();

        using var response = await browser.GetAsync(path);

        HttpAssert.RedirectsTo(response, "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(path));
    }

    [Theory]
    [InlineData("/Account/Login", "Log in")]
    [InlineData("/Account/Register", "Create an account")]
    public async Task Login_and_register_are_open_to_anonymous_visitors(string path, string heading)
    {
        using var browser = app.CreateBrowser();

        var html = await browser.GetPageAsync(path);

        Assert.Contains($">{heading}</h1>", html);
        Assert.Contains("name=\"__RequestVerificationToken\"", html); // forms carry an antiforgery token
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unknown_url_gets_a_friendly_404_page(bool signedIn)
    {
        using var browser = app.CreateBrowser();
        if (signedIn)
            await browser.RegisterSignedInAsync(TestBrowser.UniqueEmail());

        using var response = await browser.GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Page not found", html);
        Assert.Contains("href=\"studio\"", html);
    }

    [Theory]
    [InlineData(404, HttpStatusCode.NotFound, "Page not found")]
    [InlineData(403, HttpStatusCode.Forbidden, "Access denied")]
    public async Task A_status_page_opened_directly_answers_with_the_code_it_describes(int code, HttpStatusCode expected, string title)
    {
        using var browser = app.CreateBrowser();

        using var response = await browser.GetAsync($"/status/{code}");

        Assert.Equal(expected, response.StatusCode); // a 404 was a 500, then an empty page
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(title, body);
    }

    [Fact]
    public async Task Every_page_of_the_signed_in_shell_renders_with_its_heading_and_navigation()
    {
        using var browser = app.CreateBrowser();
        await browser.RegisterSignedInAsync(TestBrowser.UniqueEmail());

        foreach (var (path, heading) in new[] { ("/studio", "Studio"), ("/history", "History"), ("/gallery", "Gallery"), ("/Account/Manage/ChangePassword", "Change password") })
        {
            var html = await browser.GetPageAsync(path);
            Assert.Contains($">{heading}</h1>", html);
            Assert.Contains("href=\"history\"", html);
            // Log-out: the form itself on a static page; on an interactive one, the account menu that holds it
            // (a MudMenu renders its items only when opened; the browser tests log out through it).
            Assert.True(html.Contains("data-testid=\"logout\"") || html.Contains("data-testid=\"account-menu\""), $"{path} has no way to log out");
        }
    }
}
