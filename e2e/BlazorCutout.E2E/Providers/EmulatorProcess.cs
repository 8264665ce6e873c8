using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BlazorCutout.E2E.Support;

namespace BlazorCutout.E2E.Providers;

/// <summary>
/// The four service emulators (tests/BlazorCutout.Emulators, standalone mode) as one process on free loopback ports,
/// with a test key, a short time-based walk through each service's states, and the real local engine's pixels.
/// Each emulator binds port 0 and reports the port it got: a port picked here and handed over could be taken by
/// another test process in between (CI once failed exactly so).
/// </summary>
public sealed partial class EmulatorProcess : IAsyncDisposable
{
    public const string Key = "e2e-emulator-key-0123456789abcdef";
    public static readonly string[] Services = ["picwish", "gptge", "hitpaw", "tengr"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    private readonly Dictionary<string, int> _ports = [];

    private EmulatorProcess(Process process) => _process = process;

    public IReadOnlyDictionary<string, int> Ports => _ports;

    public string BaseUrl(string service) => $"http://127.0.0.1:{Ports[service]}/";

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<EmulatorProcess> StartAsync()
    {
        var executable = Path.Combine(RepoPaths.Root, "tests", "BlazorCutout.Emulators", "bin", RepoPaths.Configuration, "net10.0", "BlazorCutout.Emulators");
        if (!File.Exists(executable))
            throw new FileNotFoundException($"Build the solution first ({RepoPaths.Configuration}).", executable);
        var args = new List<string>();
        foreach (var service in Services) args.AddRange([$"--{service}", "0"]);
        args.AddRange(["--key", Key, "--walk-ms", "150", "--ttl", "600", "--assets", Path.Combine(RepoPaths.Root, "data", "engine")]);
        var startInfo = new ProcessStartInfo(executable, args)
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["BlazorCutout__Engine__AssetsDirectory"] = Path.Combine(RepoPaths.Root, "data", "engine");
        var emulators = new EmulatorProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true });
        await emulators.StartAndWaitAsync();
        return emulators;
    }

    private async Task StartAndWaitAsync()
    {
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.Exited += (_, _) =>
        {
            _process.WaitForExit(); // drains the redirected output into Output
            _listening.TrySetException(new InvalidOperationException($"The emulators exited with code {_process.ExitCode}:\n{Output}"));
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (await Task.WhenAny(_listening.Task, Task.Delay(StartTimeout)) != _listening.Task)
            throw new TimeoutException($"The emulators did not all report 'Now listening on' within {StartTimeout.TotalSeconds} s:\n{Output}");
        await _listening.Task;
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        var listening = ListeningLine().Match(line);
        if (!listening.Success) return;
        lock (_ports) _ports[listening.Groups["service"].Value] = int.Parse(listening.Groups["port"].Value, CultureInfo.InvariantCulture);
        if (Interlocked.Increment(ref _started) == Services.Length)
            _listening.TrySetResult();
    }

    /// <summary>The runner's line per emulator: "Now listening on: http://127.0.0.1:PORT (SERVICE, engine: …)".</summary>
    [GeneratedRegex(@"^Now listening on: http://127\.0\.0\.1:(?<port>\d+) \((?<service>[a-z]+),")]
    private static partial Regex ListeningLine();

    /// <summary>Calls one emulator's control endpoint (<c>/_emulator/...</c>).</summary>
    public async Task ControlAsync(string service, string pathAndQuery)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl(service)) };
        (await http.PostAsync("_emulator/" + pathAndQuery, null)).EnsureSuccessStatusCode();
    }

    /// <summary>The requests one emulator received (its own log, credentials redacted), as JSON.</summary>
    public async Task<string> RequestsAsync(string service)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl(service)) };
        return await http.GetStringAsync("_emulator/requests");
    }

    public async Task<string> CallbacksAsync(string service)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl(service)) };
        return await http.GetStringAsync("_emulator/callbacks");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
