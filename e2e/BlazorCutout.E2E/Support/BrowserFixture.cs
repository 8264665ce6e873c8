using Microsoft.Playwright;

namespace BlazorCutout.E2E.Support;

/// <summary>
/// One app process and one headless Chromium per test class (IClassFixture): each test opens its own
/// browser context, so cookies never leak between tests.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public AppProcess App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var appStarting = AppProcess.StartAsync(Environment);
        playwright = await Playwright.CreateAsync();
        // Debian's chromium: Playwright's own browser download is not possible here.
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        App = await appStarting;
    }

    /// <summary>
    /// The app's settings: open registration (the journeys register members), and room for many account posts and
    /// images from the one test address. A fixture for one class may change them.
    /// </summary>
    protected virtual Dictionary<string, string> Environment => new()
    {
        ["BlazorCutout__Registration"] = "open",
        ["BlazorCutout__Security__RateLimits__AccountPostsPerMinute"] = "1000",
        ["BlazorCutout__Security__RateLimits__ImagesPerMinute"] = "1000",
    };

    /// <summary>
    /// A fresh, cookie-less browser context with its own page, at a desktop size. Console errors (CSP
    /// violations, failed loads, script errors) are added to <paramref name="consoleErrors"/> when given. The browser
    /// is in <paramref name="timezoneId"/> (an IANA id, e.g. "Asia/Tokyo") when given, else in the machine's zone.
    /// </summary>
    /// <param name="headers">Sent with every request of the context (e.g. X-Forwarded-For, which the app believes from loopback).</param>
    public async Task<IPage> NewPageAsync(ICollection<string>? consoleErrors = null, string? timezoneId = null, IDictionary<string, string>? headers = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            TimezoneId = timezoneId,
            ExtraHTTPHeaders = headers,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        if (consoleErrors is not null)
        {
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                    lock (consoleErrors) consoleErrors.Add(message.Text);
            };
            page.PageError += (_, error) =>
            {
                lock (consoleErrors) consoleErrors.Add(error);
            };
        }
        return page;
    }

    /// <summary>
    /// A new browser context whose user has just registered with <paramref name="email"/> (through
    /// <paramref name="registerPath"/>: the set-up link, an invitation, or the open form), logged in, and landed in the Studio.
    /// </summary>
    public async Task<IPage> NewRegisteredPageAsync(string email, string password, string registerPath = "/Account/Register")
    {
        var page = await NewPageAsync();
        await Accounts.RegisterAndLogInAsync(page, email, password, registerPath);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/studio$"));
        await WaitUntilInteractiveAsync(page);
        return page;
    }

    /// <summary>
    /// Saves full-page PNGs under artifacts/screenshots/ (kept by the test run as an artifact): <c>name.png</c> in the
    /// light theme and <c>name-dark.png</c> in the dark one. An interactive page is switched with its own theme toggle
    /// and back, so what it shows (cards, an open dialog) stays; a statically rendered page is opened again, dark,
    /// in a second tab (its form state, such as an error after a post, is not carried over), leaving this one as it is.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(RepoPaths.Screenshots);
        await SaveAsync(page, name);
        if (await page.Locator("[data-interactive='true']").CountAsync() > 0)
        {
            await FlipThemeAsync(page, "dark");
            await SaveAsync(page, name + "-dark");
            await FlipThemeAsync(page, "light");
            return;
        }
        await RememberThemeAsync(page, "dark");
        var dark = await page.Context.NewPageAsync();
        await dark.GotoAsync(page.Url);
        await dark.Locator("[data-theme='dark']").First.WaitForAsync();
        await SaveAsync(dark, name + "-dark");
        await dark.CloseAsync();
        await RememberThemeAsync(page, "light");
    }

    private static Task SaveAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Screenshots, name + ".png"), FullPage = true });

    // A DOM click: an open dialog's backdrop would take a pointer click meant for the app bar.
    private static async Task FlipThemeAsync(IPage page, string theme)
    {
        await page.EvaluateAsync("() => document.querySelector('[data-testid=theme-toggle]').click()");
        await page.Locator($"[data-theme='{theme}']").First.WaitForAsync();
    }

    private static Task RememberThemeAsync(IPage page, string theme) =>
        page.Context.AddCookiesAsync([new Cookie { Name = "cutout-theme", Value = theme, Url = new Uri(page.Url).GetLeftPart(UriPartial.Authority) }]);

    /// <summary>Waits until an &lt;img&gt; has loaded, and fails if it could not be decoded.</summary>
    public static async Task WaitLoadedAsync(ILocator image) =>
        await image.EvaluateAsync("""
            img => new Promise((resolve, reject) => {
                const check = () => img.complete ? (img.naturalWidth > 0 ? resolve(true) : reject(new Error('image failed: ' + img.src))) : setTimeout(check, 50);
                check();
            })
            """);

    /// <summary>Registers a new member (a fresh e-mail with <paramref name="prefix"/>) and waits until the Studio takes drops.</summary>
    public static async Task RegisterAsync(IPage page, string prefix, string password)
    {
        await Accounts.RegisterAndLogInAsync(page, $"{prefix}-{Guid.NewGuid():N}@example.test", password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studio" })).ToBeVisibleAsync();
        await WaitUntilInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("drop-zone")).ToBeVisibleAsync();
        await page.Locator("[data-drop-ready=true]").WaitForAsync(); // studio.js is attached: drops, pastes and checks work
    }

    /// <summary>Waits until the Blazor circuit is connected: clicks sent before that are lost.</summary>
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive='true']").WaitForAsync();

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        playwright?.Dispose();
        if (App is not null)
            await App.DisposeAsync();
    }
}
