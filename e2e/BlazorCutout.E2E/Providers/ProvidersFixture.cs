using BlazorCutout.E2E.Support;
using Microsoft.Playwright;

namespace BlazorCutout.E2E.Providers;

/// <summary>
/// The four emulators, the app pointed at them (keys, base URLs, short polling, its own loopback address as the public
/// base URL so HitPaw and Tengr can fetch uploads, and the URL guard's explicit test allowance for loopback/http/ports:
/// test-only environment, never defaults), and a headless Chromium.
/// </summary>
public sealed class ProvidersFixture : IAsyncLifetime
{
    public const string AdminEmail = "providers-admin@example.test";
    public const string AdminPassword = "Providers-Adm1n-Passw0rd!";

    private IPlaywright? _playwright;

    public EmulatorProcess Emulators { get; private set; } = null!;
    public AppProcess App { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulators = await EmulatorProcess.StartAsync();
        var appStarting = AppProcess.StartAsync(Environment);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        App = await appStarting;
    }

    private IReadOnlyDictionary<string, string> Environment(string appUrl)
    {
        var env = new Dictionary<string, string>
        {
            ["BlazorCutout__PublicBaseUrl"] = appUrl,
            ["BlazorCutout__Admin__Email"] = AdminEmail,
            ["BlazorCutout__Admin__Password"] = AdminPassword,
            ["BlazorCutout__Registration"] = "open", // members register in the journeys
            ["BlazorCutout__Security__RateLimits__AccountPostsPerMinute"] = "1000", // every post comes from 127.0.0.1
            ["Security__UrlGuard__AllowLoopbackForTests"] = "true",
            ["Security__UrlGuard__AllowHttp"] = "true",
            ["Security__UrlGuard__AllowNonDefaultPorts"] = "true",
            ["BlazorCutout__Tasks__IdlePoll"] = "00:00:00.250",
            // Tengr reports no cost: a configured price makes its estimate visible (and flagged) in History.
            ["Providers__Tengr__PriceUnit"] = "credits",
            ["Providers__Tengr__Prices__SegmentByPoints__PerImage"] = "2",
            // No Tengr webhook: 001 takes only https webhooks and the app here is plain http on loopback; gpt.ge's
            // callback_url (sent when the URL guard allows it) exercises /callbacks instead.
        };
        foreach (var (service, section) in new[] { ("picwish", "PicWish"), ("gptge", "GptGe"), ("hitpaw", "HitPaw"), ("tengr", "Tengr") })
        {
            env[$"Providers__{section}__Enabled"] = "true";
            env[$"Providers__{section}__BaseUrl"] = Emulators.BaseUrl(service);
            env[$"Providers__{section}__ApiKey"] = EmulatorProcess.Key;
            env[$"Providers__{section}__PollInitialDelay"] = "00:00:00.200";
            env[$"Providers__{section}__PollInterval"] = "00:00:00.200";
            env[$"Providers__{section}__PollMaxInterval"] = "00:00:00.400";
        }
        return env;
    }

    public async Task<IPage> NewPageAsync(ICollection<string>? consoleErrors = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        if (consoleErrors is not null)
        {
            page.Console += (_, m) => { if (m.Type == "error") lock (consoleErrors) consoleErrors.Add(m.Text); };
            page.PageError += (_, e) => { lock (consoleErrors) consoleErrors.Add(e); };
        }
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (App is not null) await App.DisposeAsync();
        if (Emulators is not null) await Emulators.DisposeAsync();
    }
}
