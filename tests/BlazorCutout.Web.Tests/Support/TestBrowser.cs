using System.Net;
using System.Text.RegularExpressions;

namespace BlazorCutout.Web.Tests.Support;

/// <summary>
/// An HttpClient that behaves like a browser on the statically rendered forms: it keeps cookies and posts
/// forms with their antiforgery token and Blazor's form name (_handler), as the browser would.
/// </summary>
public sealed partial class TestBrowser(HttpClient client) : IDisposable
{
    public const string StrongPassword = "Cutout-Passw0rd!";

    public HttpClient Client { get; } = client;

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path);

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Opens <paramref name="pagePath"/>, fills the form named <paramref name="formName"/> (Blazor's FormName;
    /// null for a plain HTML form) and posts it.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(string pagePath, string? formName, IReadOnlyDictionary<string, string> fields)
    {
        var html = await GetPageAsync(pagePath);
        var form = FindForm(html, formName);
        var values = new Dictionary<string, string>(form.HiddenFields);
        foreach (var (name, value) in fields)
            values[name] = value;
        var action = string.IsNullOrEmpty(form.Action) ? pagePath : form.Action;
        return await Client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    public Task<HttpResponseMessage> RegisterAsync(string email, string password = StrongPassword, string? confirmPassword = null) =>
        SubmitFormAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirmPassword ?? password,
        });

    public Task<HttpResponseMessage> LoginAsync(string email, string password = StrongPassword) =>
        SubmitFormAsync("/Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    /// <summary>Posts the log-out form of the account menu, as found on <paramref name="fromPage"/>.</summary>
    // From a statically rendered page: there the account menu is plain markup with the log-out form; on interactive
    // pages it is a MudMenu whose items (the form among them) are only rendered once it is opened.
    public Task<HttpResponseMessage> LogoutAsync(string fromPage = "/Account/Manage/ChangePassword") =>
        SubmitFormAsync(fromPage, formName: null, new Dictionary<string, string>());

    /// <summary>
    /// Registers, checks the app's one answer (to the log-in page with the "registered" notice: it never signs a
    /// registration in, so a taken address cannot be told from a new one), then logs in.
    /// </summary>
    public async Task RegisterSignedInAsync(string email, string password = StrongPassword, string registerPath = "/Account/Register")
    {
        using (var response = await SubmitFormAsync(registerPath, "register", new Dictionary<string, string>
               {
                   ["Input.Email"] = email,
                   ["Input.Password"] = password,
                   ["Input.ConfirmPassword"] = password,
               }))
            HttpAssert.RedirectsTo(response, "/Account/Login?registered=true");
        using var login = await LoginAsync(email, password);
        HttpAssert.RedirectsTo(login, "/studio");
    }

    /// <summary>The first-administrator link from the start-up log (AdminSetupLink), as a local path.</summary>
    public static string SetupPathFromLog(IEnumerable<string> logLines)
    {
        var line = logLines.LastOrDefault(l => l.Contains("/Account/Register?setup=", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException("No setup link in the start-up log.");
        return Regex.Match(line, "/Account/Register\\?setup=[A-Za-z0-9_-]+").Value;
    }

    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.test";

    public void Dispose() => Client.Dispose();

    private sealed record HtmlForm(string? Action, IReadOnlyDictionary<string, string> HiddenFields);

    // formName null: the form without a Blazor _handler (the plain log-out form).
    private static HtmlForm FindForm(string html, string? formName)
    {
        foreach (Match formMatch in FormPattern().Matches(html))
        {
            var hidden = new Dictionary<string, string>();
            foreach (Match input in InputPattern().Matches(formMatch.Groups["body"].Value))
            {
                var attributes = Attributes(input.Value);
                if (attributes.GetValueOrDefault("type") == "hidden" && attributes.TryGetValue("name", out var name))
                    hidden[name] = attributes.GetValueOrDefault("value") ?? "";
            }
            if (hidden.GetValueOrDefault("_handler") != formName)
                continue;
            var action = Attributes(formMatch.Groups["open"].Value).GetValueOrDefault("action");
            if (action is not null && !action.StartsWith('/'))
                action = "/" + action; // relative to <base href="/">
            return new HtmlForm(action, hidden);
        }
        throw new Xunit.Sdk.XunitException($"No form '{formName ?? "(plain)"}' found in:\n{html}");
    }

    private static Dictionary<string, string> Attributes(string tag) =>
        AttributePattern().Matches(tag).ToDictionary(m => m.Groups["name"].Value.ToLowerInvariant(), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    [GeneratedRegex("""(?<open><form\b[^>]*>)(?<body>.*?)</form>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex("""<input\b[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();

    [GeneratedRegex("(?<name>[\\w:-]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex AttributePattern();
}
