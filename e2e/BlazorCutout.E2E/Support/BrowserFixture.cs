using Microsoft.Playwright;

namespace BlazorCutout.E2E.Support;

/// <summary>
/// One app process and one headless Chromium per test class (IClassFixture): each test opens its own
/// browser context, so cookies never leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public AppProcess App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var appStarting = AppProcess.StartAsync();
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
    /// A fresh, cookie-less browser context with its own page, at a desktop size. Console errors (CSP
    /// violations, failed loads, script errors) are added to <paramref name="consoleErrors"/> when given. The browser
    /// is in <paramref name="timezoneId"/> (an IANA id, e.g. "Asia/Tokyo") when given, else in the machine's zone.
    /// </summary>
    public async Task<IPage> NewPageAsync(ICollection<string>? consoleErrors = null, string? timezoneId = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            TimezoneId = timezoneId,
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

    /// <summary>A new browser context whose user has just registered with <paramref name="email"/> and landed, signed in, in the Studio.</summary>
    public async Task<IPage> NewRegisteredPageAsync(string email, string password)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByTestId("register-submit").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/studio$"));
        await WaitUntilInteractiveAsync(page);
        return page;
    }

    /// <summary>Saves a full-page PNG under artifacts/screenshots/ (kept by the test run as an artifact).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(RepoPaths.Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Screenshots, name + ".png"), FullPage = true });
    }

    /// <summary>Waits until an &lt;img&gt; has loaded, and fails if it could not be decoded.</summary>
    public static async Task WaitLoadedAsync(ILocator image) =>
        await image.EvaluateAsync("""
            img => new Promise((resolve, reject) => {
                const check = () => img.complete ? (img.naturalWidth > 0 ? resolve(true) : reject(new Error('image failed: ' + img.src))) : setTimeout(check, 50);
                check();
            })
            """);

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
