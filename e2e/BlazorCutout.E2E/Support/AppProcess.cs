using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BlazorCutout.E2E.Support;

/// <summary>
/// The built web app as a real process on a free loopback port, with its own temporary data directory,
/// started the way `./cutout run` starts it.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process, string baseUrl, string dataDirectory)
    {
        this.process = process;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
    }

    public string BaseUrl { get; }

    public string DataDirectory { get; }

    /// <summary>Everything the app wrote to stdout and stderr, for failure messages.</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public static Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync(_ => environment ?? new Dictionary<string, string>());

    /// <summary>Starts the app with settings that depend on its own address (e.g. <c>BlazorCutout__PublicBaseUrl</c>).</summary>
    /// <remarks>
    /// The app must know its address before it binds (callback URLs), so the port is picked here; another test
    /// process can take it in between, and then the app is started again on a new one.
    /// </remarks>
    public static async Task<AppProcess> StartAsync(Func<string, IReadOnlyDictionary<string, string>> environmentFor)
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var app = Create(environmentFor);
            try
            {
                await app.StartAndWaitForListeningAsync();
                return app;
            }
            catch (InvalidOperationException) when (attempt < attempts && app.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await app.DisposeAsync();
            }
            catch
            {
                // A start that timed out left a live process no fixture will dispose: stop it here.
                await app.DisposeAsync();
                throw;
            }
        }
    }

    private static AppProcess Create(Func<string, IReadOnlyDictionary<string, string>> environmentFor)
    {
        // The publish output, as `./cutout run` and the Docker image use it: outside Development the build output
        // does not serve blazor.web.js and _content/* (the development static-asset handler looks for them).
        var projectDirectory = RepoPaths.PublishedWeb;
        var executable = Path.Combine(projectDirectory, "BlazorCutout.Web");
        if (!File.Exists(executable))
            throw new FileNotFoundException("Publish the web app first: ./cutout test does (artifacts/publish/web).", executable);

        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var dataDirectory = Path.Combine(Path.GetTempPath(), "blazorcutout-e2e", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);

        var startInfo = new ProcessStartInfo(executable, ["--urls", baseUrl])
        {
            WorkingDirectory = projectDirectory, // the content root, as with ./cutout run
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["BlazorCutout__Data__Directory"] = dataDirectory;
        startInfo.Environment["Logging__Console__FormatterName"] = "simple";
        // The local engine's model (scripts/engine-assets.sh puts it in <repo>/data/engine);
        // the default is relative to the working directory, which is the project folder here.
        startInfo.Environment["BlazorCutout__Engine__AssetsDirectory"] = Path.Combine(RepoPaths.Root, "data", "engine");
        foreach (var (key, value) in environmentFor(baseUrl))
            startInfo.Environment[key] = value;

        return new AppProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true }, baseUrl, dataDirectory);
    }

    private async Task StartAndWaitForListeningAsync()
    {
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // drains the redirected output, so the message below holds the app's last words
            listening.TrySetException(new InvalidOperationException($"The app exited with code {process.ExitCode}:\n{Output}"));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var finished = await Task.WhenAny(listening.Task, Task.Delay(StartTimeout));
        if (finished != listening.Task)
            throw new TimeoutException($"The app did not report 'Now listening on' within {StartTimeout.TotalSeconds} s:\n{Output}");
        await listening.Task; // rethrows if it exited instead
    }

    private void Collect(string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
        if (line.Contains("Now listening on", StringComparison.Ordinal))
            listening.TrySetResult();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail the run.
        }
    }
}
