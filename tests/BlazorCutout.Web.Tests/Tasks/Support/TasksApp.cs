using System.Net;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Tasks.Support;

/// <summary>
/// The real app in-process for pipeline tests: its own (or a shared) temporary data directory, the engine assets from
/// the repository's data/engine, short worker timings, and any test-double providers registered beside the real ones.
/// Two instances over one data directory are two runs of the same install (stop, then start again).
/// </summary>
public sealed class TasksApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new();
    private readonly List<ICutoutProvider> _providers = [];
    private readonly bool _ownsDirectory;

    public TasksApp(string? dataDirectory = null)
    {
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? NewDataDirectory();
        Directory.CreateDirectory(DataDirectory);
        _settings["BlazorCutout:Engine:AssetsDirectory"] = RepoPaths.EngineAssets;
        _settings["BlazorCutout:Tasks:IdlePoll"] = "00:00:00.200";
        _settings["BlazorCutout:Tasks:RetryDelay"] = "00:00:00.020";
        _settings["BlazorCutout:Tasks:MaxRetryDelay"] = "00:00:00.100";
    }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "blazorcutout-tests", Guid.NewGuid().ToString("N"));

    public string DataDirectory { get; }

    public TasksApp WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public TasksApp WithProvider(ICutoutProvider provider)
    {
        _providers.Add(provider);
        return this;
    }

    public ITaskService Tasks => Services.GetRequiredService<ITaskService>();
    public ITaskEvents Events => Services.GetRequiredService<ITaskEvents>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("BlazorCutout:Data:Directory", DataDirectory);
        // As in AppFactory: accounts by open registration, rate limits out of the way (both tested in Security/).
        builder.UseSetting("BlazorCutout:Registration", "open");
        builder.UseSetting("BlazorCutout:Security:RateLimits:AccountPostsPerMinute", "10000");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            foreach (var p in _providers) services.AddSingleton(p);
        });
    }

    /// <summary>Creates an account directly (no HTTP) and returns its user id.</summary>
    public async Task<string> CreateUserAsync(string? email = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email ?? TestBrowser.UniqueEmail(), Email = email ?? TestBrowser.UniqueEmail() };
        user.Email = user.UserName;
        var result = await users.CreateAsync(user, TestBrowser.StrongPassword);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return user.Id;
    }

    /// <summary>A signed-in cookie client for a new account (open registration: a Member), with the user id and the cookie header (for WebSockets).</summary>
    public async Task<SignedInUser> SignInNewUserAsync()
    {
        var email = TestBrowser.UniqueEmail();
        return await SignInAsync(email, browser => browser.RegisterSignedInAsync(email));
    }

    /// <summary>
    /// A signed-in Admin. Registration never makes one (issue 13), so the account is created and given the Admin role
    /// directly, as <c>BlazorCutout:Admin</c> seeding does at start-up, then signs in through the log-in form.
    /// </summary>
    public async Task<SignedInUser> SignInNewAdminAsync()
    {
        var email = TestBrowser.UniqueEmail("admin");
        var id = await CreateUserAsync(email);
        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var result = await users.AddToRoleAsync((await users.FindByIdAsync(id))!, BlazorCutout.Web.Account.Roles.Admin);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        }
        return await SignInAsync(email, async browser =>
        {
            using var login = await browser.LoginAsync(email, TestBrowser.StrongPassword);
            HttpAssert.RedirectsTo(login, "/studio");
        });
    }

    private async Task<SignedInUser> SignInAsync(string email, Func<TestBrowser, Task> signIn)
    {
        var cookies = new CookieContainer();
        // https, as behind the TLS proxy: with an https PublicBaseUrl the auth cookie is Secure and a cookie container
        // sends it only over https.
        var client = CreateDefaultClient(new Uri("https://localhost/"), new CookieContainerHandler(cookies));
        var browser = new TestBrowser(client);
        await signIn(browser);
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
        return new SignedInUser(user!.Id, browser, cookies.GetCookieHeader(client.BaseAddress!));
    }

    public async Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public Task<TaskRecord> TaskRowAsync(Guid id) => DbAsync(db => db.Tasks.AsNoTracking().SingleAsync(t => t.Id == id));

    public Task<List<CostEntry>> CostEntriesAsync(Guid taskId) => DbAsync(db => db.CostEntries.AsNoTracking().Where(c => c.TaskId == taskId).ToListAsync());

    /// <summary>Reads the row until the task is final (for tests that cannot subscribe before the worker starts).</summary>
    public async Task<TaskRecord> WaitForFinalRowAsync(Guid taskId)
    {
        var giveUp = DateTime.UtcNow + TaskEventLog.Patience;
        while (true)
        {
            var row = await TaskRowAsync(taskId);
            if (row.State.IsFinal()) return row;
            if (DateTime.UtcNow > giveUp) throw new Xunit.Sdk.XunitException($"Task {taskId} is still {row.State}.");
            await Task.Delay(20);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing || !_ownsDirectory) return;
        DeleteDirectory(DataDirectory);
    }

    public static void DeleteDirectory(string path)
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed record SignedInUser(string Id, TestBrowser Browser, string CookieHeader);

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string EngineAssets => Environment.GetEnvironmentVariable("BlazorCutout__Engine__AssetsDirectory") is { Length: > 0 } d ? d : Path.Combine(Root, "data", "engine");
    public static string TestImage(string name) => Path.Combine(Root, "data", "test-images", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BlazorCutout.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"BlazorCutout.sln not found above {AppContext.BaseDirectory}");
    }
}
