using BlazorCutout.Web.Account.Registration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Web.Tests.Support;

/// <summary>
/// The real app in-process, over a real SQLite file in its own temporary data directory.
/// One instance per test class (IClassFixture) is cheap; create a fresh one where a test needs an empty database.
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings = new();

    public AppFactory()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "blazorcutout-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    /// <summary>Every log line of the app (the start-up log carries the first-administrator setup link).</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Adds a configuration value (e.g. "BlazorCutout:Admin:Email"); call before the first client is created.</summary>
    public AppFactory WithSetting(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    /// <summary>A cookie-keeping client that does not follow redirects, so tests can assert on them.</summary>
    public TestBrowser CreateBrowser() => new(CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
    }));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting beats environment variables, so a developer's BlazorCutout__Data__Directory is never touched.
        builder.UseSetting("BlazorCutout:Data:Directory", DataDirectory);
        // Most tests make their accounts by registering, and many from the one test-server address; the registration
        // modes and the rate limits themselves are tested in Security/ with these set otherwise.
        builder.UseSetting(RegistrationOptions.ModeKey, "open");
        builder.UseSetting("BlazorCutout:Security:RateLimits:AccountPostsPerMinute", "10000");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Logs));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
            return;
        SqliteConnection.ClearAllPools(); // pooled connections keep the database file open
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test run.
        }
    }
}
