using System.Diagnostics;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BlazorCutout.Bench;

/// <summary>
/// cutout-bench fetch [--streams 5] [--mb 200] [--provider local]: what image URLs cost the app's memory (issue 13,
/// item 4). Builds the real web app (its services, options and URL guard, the loopback image host allowed as a test
/// endpoint), then fetches N bodies of M MB at once through <see cref="ITaskService.FetchImageAsync"/>, the Studio's
/// path, each for its own user so only the overall cap could interfere (it is raised to N). Reports the process's
/// resident set before, its peak during (VmHWM, reset just before the fetches), the rise, and what each fetch ended in.
/// </summary>
internal static class FetchBench
{
    public static async Task<int> RunAsync(string[] argv, string root)
    {
        int Int(string name, int fallback) => Array.IndexOf(argv, name) is var i and >= 0 && i + 1 < argv.Length ? int.Parse(argv[i + 1]) : fallback;
        string Text(string name, string fallback) => Array.IndexOf(argv, name) is var i and >= 0 && i + 1 < argv.Length ? argv[i + 1] : fallback;
        var streams = Int("--streams", 5);
        var megabytes = Int("--mb", 200);
        var providerId = Text("--provider", "local");

        await using var images = await StreamingImageServer.StartAsync(TinyPng.Make(64, 48));
        var dataDirectory = Path.Combine(Path.GetTempPath(), "blazorcutout-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(TaskService).Assembly.GetName().Name,
            ContentRootPath = Path.Combine(root, "src", "BlazorCutout.Web"),
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlazorCutout:Data:Directory"] = dataDirectory,
            ["BlazorCutout:Engine:AssetsDirectory"] = Path.Combine(root, "data", "engine"),
            ["BlazorCutout:Tasks:RunWorker"] = "false",
            ["BlazorCutout:UrlFetch:MaxConcurrent"] = Math.Max(4, streams).ToString(),
            ["Security:UrlGuard:AllowHttp"] = "true",
            ["Security:UrlGuard:AllowNonDefaultPorts"] = "true",
            ["Security:UrlGuard:AllowedTestEndpoints:0"] = images.Endpoint,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddBlazorCutoutWeb();
        var app = builder.Build();
        await app.Services.PrepareDatabaseAsync();
        app.UseBlazorCutoutWeb();
        await app.StartAsync();
        try
        {
            var tasks = app.Services.GetRequiredService<ITaskService>();
            // Warm: the whole path once on a small image, so JIT and pools are not counted as the streams' cost.
            await FetchAsync(tasks, "bench-warm", providerId, images.Url("/image.png"));
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var before = Status("VmRSS");
            File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current resident set
            var bytes = (long)megabytes * 1024 * 1024;
            var watch = Stopwatch.StartNew();
            var outcomes = await Task.WhenAll(Enumerable.Range(0, streams).Select(async i =>
            {
                try
                {
                    var image = await FetchAsync(tasks, $"bench-user-{i}", providerId, images.Url($"/stream/{bytes}"));
                    return $"accepted {image.Bytes.Length} bytes";
                }
                catch (TaskRejectedException e)
                {
                    return $"refused ({e.Code}): {e.Message}";
                }
            }));
            var elapsed = watch.Elapsed;
            var peak = Status("VmHWM");
            Console.WriteLine($"fetch bench: {streams} parallel streams of {megabytes} MB from {images.BaseUri} through ITaskService.FetchImageAsync ({providerId}), {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
            foreach (var (outcome, i) in outcomes.Select((o, i) => (o, i)))
                Console.WriteLine($"  stream {i + 1}: {outcome}");
            Console.WriteLine($"  the host sent {images.Streamed / (1024.0 * 1024):F1} MB (into the sockets, until each connection closed) in {elapsed.TotalSeconds:F2} s");
            Console.WriteLine($"  RSS before {before / 1024.0:F1} MB, peak during {peak / 1024.0:F1} MB (VmHWM), rise {(peak - before) / 1024.0:F1} MB");
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    private static Task<IncomingImage> FetchAsync(ITaskService tasks, string userId, string providerId, Uri url) =>
        tasks.FetchImageAsync(userId, providerId, url.ToString());

    /// <summary>A kB figure from /proc/self/status.</summary>
    private static long Status(string key) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
