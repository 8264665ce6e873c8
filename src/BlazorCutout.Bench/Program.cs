using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using BlazorCutout.Bench;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// cutout-bench pipeline [--tasks N] [--submitters N] [--rate R] [--seconds S] [--concurrency N] [--keep]
// Runs the real web app (Kestrel on loopback, SQLite in a temporary data directory, the worker, the hub) with an
// instant in-process provider, and reports: sustained tasks/s, p95 added latency queued → succeeded, and p95 SignalR
// delivery latency to a connected client. Targets: ≥ 100 tasks/s, p95 overhead ≤ 50 ms, delivery p95 ≤ 100 ms.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.FirstOrDefault() == "gallery")
    return await GalleryBench.RunAsync(args[1..]);
if (args.FirstOrDefault() == "fetch")
    return await FetchBench.RunAsync(args[1..], FindRoot());
var argv = args.SkipWhile(a => a == "pipeline").ToArray();
if (argv.Contains("--help") || argv.Contains("-h"))
{
    Console.WriteLine("usage: cutout-bench pipeline [--tasks 2000] [--submitters 4] [--rate 50] [--seconds 10] [--concurrency 8] [--keep]");
    return 0;
}
int Int(string name, int fallback) => Array.IndexOf(argv, name) is var i and >= 0 && i + 1 < argv.Length ? int.Parse(argv[i + 1]) : fallback;
var burstTasks = Int("--tasks", 2000);
var submitters = Int("--submitters", 4);
var pacedRate = Int("--rate", 50);
var pacedSeconds = Int("--seconds", 10);
var concurrency = Int("--concurrency", 8);
var keep = argv.Contains("--keep");

var root = FindRoot();
var dataDirectory = Path.Combine(Path.GetTempPath(), "blazorcutout-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dataDirectory);
var engineAssets = Environment.GetEnvironmentVariable("BlazorCutout__Engine__AssetsDirectory") is { Length: > 0 } e ? e : Path.Combine(root, "data", "engine");

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = [],
    ApplicationName = typeof(TaskService).Assembly.GetName().Name, // the web app's static-asset manifests
    ContentRootPath = Path.Combine(root, "src", "BlazorCutout.Web"),
    EnvironmentName = "Production",
});
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["BlazorCutout:Data:Directory"] = dataDirectory,
    ["BlazorCutout:Engine:AssetsDirectory"] = engineAssets,
    ["Logging:LogLevel:Default"] = "Warning",
    ["Logging:LogLevel:BlazorCutout.Web.Tasks.Worker.TaskWorker"] = "Warning",
});
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.AddBlazorCutoutWeb();
var image = TinyPng.Make(64, 48);
builder.Services.AddSingleton<ICutoutProvider>(new InstantProvider(image, concurrency));

var app = builder.Build();
await app.Services.PrepareDatabaseAsync();
app.UseBlazorCutoutWeb();
await app.StartAsync();
var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
Console.WriteLine($"pipeline bench: app on {address}, data in {dataDirectory}, provider concurrency {concurrency}, {Environment.ProcessorCount} cores");

try
{
    // A signed-in user with a hub connection, as the Studio page would have.
    const string email = "bench@example.test", password = "Bench-Passw0rd!";
    string userId;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(x => x.Description)));
        userId = user.Id;
    }
    var cookies = new CookieContainer();
    using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = address })
        await LogInAsync(http, email, password);
    await using var hub = await TaskHubClient.ConnectAsync(new Uri(address, TaskHub.Path), options => options.Cookies = cookies, TimeSpan.FromSeconds(30));

    var tasks = app.Services.GetRequiredService<ITaskService>();
    var events = app.Services.GetRequiredService<ITaskEvents>();
    var created_ = new ConcurrentDictionary<Guid, DateTimeOffset>();
    var succeeded = new ConcurrentDictionary<Guid, DateTimeOffset>();
    var failed = 0;
    var deliveries = new ConcurrentBag<double>();
    var measuring = false;
    using var subscription = events.Subscribe(userId, change =>
    {
        if (change.State == CutoutTaskState.Succeeded) succeeded[change.TaskId] = change.At;
        else if (change.State.IsFinal()) Interlocked.Increment(ref failed);
        return Task.CompletedTask;
    });
    hub.Changed += (change, arrived) =>
    {
        if (Volatile.Read(ref measuring)) deliveries.Add((arrived - change.At).TotalMilliseconds);
    };
    var request = new NewTaskRequest(InstantProvider.Id, ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("bench.png", "image/png", image));

    async Task WaitAllAsync(IReadOnlyCollection<Guid> ids)
    {
        var giveUp = Stopwatch.StartNew();
        while (ids.Any(id => !succeeded.ContainsKey(id)) && Volatile.Read(ref failed) == 0)
        {
            if (giveUp.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("Tasks did not finish within 5 minutes.");
            await Task.Delay(5);
        }
        if (failed > 0) throw new InvalidOperationException($"{failed} task(s) failed or were canceled.");
    }

    // Warm-up: JIT, connection pool, engine probe.
    var warm = new List<Guid>();
    for (var i = 0; i < 50; i++) warm.Add((await tasks.SubmitAsync(userId, request)).Id);
    await WaitAllAsync(warm);

    // 1. Throughput: a burst submitted as fast as the submitters can, until the last one succeeded.
    var burstIds = new ConcurrentBag<Guid>();
    var clock = Stopwatch.StartNew();
    var perSubmitter = burstTasks / submitters;
    await Task.WhenAll(Enumerable.Range(0, submitters).Select(_ => Task.Run(async () =>
    {
        for (var i = 0; i < perSubmitter; i++) burstIds.Add((await tasks.SubmitAsync(userId, request)).Id);
    })));
    var submitSeconds = clock.Elapsed.TotalSeconds;
    await WaitAllAsync(burstIds);
    var burstSeconds = clock.Elapsed.TotalSeconds;
    var throughput = burstIds.Count / burstSeconds;

    // 2. Latency at a steady rate below capacity: queued → succeeded, and hub delivery.
    Volatile.Write(ref measuring, true);
    var pacedIds = new List<Guid>();
    var total = pacedRate * pacedSeconds;
    var pace = Stopwatch.StartNew();
    for (var i = 0; i < total; i++)
    {
        var due = TimeSpan.FromSeconds((double)i / pacedRate);
        var wait = due - pace.Elapsed;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var view = await tasks.SubmitAsync(userId, request);
        created_[view.Id] = view.CreatedAt;
        pacedIds.Add(view.Id);
    }
    await WaitAllAsync(pacedIds);
    await Task.Delay(200); // the last hub frames
    Volatile.Write(ref measuring, false);
    var overheads = pacedIds.Select(id => (succeeded[id] - created_[id]).TotalMilliseconds).Order().ToArray();
    var delivery = deliveries.Order().ToArray();

    Console.WriteLine();
    Console.WriteLine($"burst:      {burstIds.Count} tasks, submitted in {submitSeconds:0.00} s by {submitters} submitters, all succeeded after {burstSeconds:0.00} s");
    Console.WriteLine($"throughput: {throughput:0.0} tasks/s sustained (target >= 100)            {(throughput >= 100 ? "OK" : "MISSED")}");
    Console.WriteLine($"paced:      {pacedIds.Count} tasks at {pacedRate}/s");
    Console.WriteLine($"overhead:   queued -> succeeded p50 {P(overheads, 50):0.0} ms, p95 {P(overheads, 95):0.0} ms, p99 {P(overheads, 99):0.0} ms, max {overheads[^1]:0.0} ms (target p95 <= 50)   {(P(overheads, 95) <= 50 ? "OK" : "MISSED")}");
    Console.WriteLine($"delivery:   {delivery.Length} hub events, p50 {P(delivery, 50):0.0} ms, p95 {P(delivery, 95):0.0} ms, p99 {P(delivery, 99):0.0} ms, max {(delivery.Length > 0 ? delivery[^1] : 0):0.0} ms (target p95 <= 100)   {(P(delivery, 95) <= 100 ? "OK" : "MISSED")}");
    return 0;
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (!keep) try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
}

static double P(double[] sorted, double percentile) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

static async Task LogInAsync(HttpClient http, string email, string password)
{
    var page = await http.GetStringAsync("/Account/Login");
    var form = Regex.Matches(page, "<form\\b[^>]*>(.*?)</form>", RegexOptions.Singleline)
        .Select(m => m.Groups[1].Value).First(f => f.Contains("value=\"login\""));
    var fields = Regex.Matches(form, "<input\\b[^>]*type=\"hidden\"[^>]*>")
        .Select(m => (Name: Regex.Match(m.Value, "name=\"([^\"]*)\"").Groups[1].Value, Value: WebUtility.HtmlDecode(Regex.Match(m.Value, "value=\"([^\"]*)\"").Groups[1].Value)))
        .ToDictionary(f => f.Name, f => f.Value);
    fields["Input.Email"] = email;
    fields["Input.Password"] = password;
    using var response = await http.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
    if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Log-in failed: HTTP {(int)response.StatusCode}");
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "BlazorCutout.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
