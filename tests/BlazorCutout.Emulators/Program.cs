using System.Globalization;
using BlazorCutout.Emulators.Kit;

// Standalone runner: dotnet run --project tests/BlazorCutout.Emulators -- --picwish 5101 --gptge 5102 --hitpaw 5103 --tengr 5104
// Options: --key KEY (accepted API key for all), --ttl SECONDS (result URL lifetime), --rps N (rate limit override),
//          --assets DIR (engine assets; default: data/engine), --walk-ms N (walk by time, N ms per step).
var services = new List<(string Name, int Port)>();
var settings = new EmulatorSettings();
string? assets = null;
for (var i = 0; i < args.Length; i++)
{
    var a = args[i];
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
    switch (a)
    {
        case "--key": settings.ApiKey = Next(); break;
        case "--ttl": settings.ResultTtl = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
        case "--rps": settings.RequestsPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--assets": assets = Next(); break;
        case "--walk-ms": settings.WalkStepDuration = TimeSpan.FromMilliseconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
        case "-h" or "--help":
            Console.WriteLine("usage: BlazorCutout.Emulators --<name> <port> [...] [--key K] [--ttl S] [--rps N] [--assets DIR] [--walk-ms N]");
            Console.WriteLine("emulators: " + string.Join(", ", EmulatorCatalog.All.Keys.Order()));
            return 0;
        default:
            if (a.StartsWith("--", StringComparison.Ordinal) && EmulatorCatalog.All.ContainsKey(a[2..]))
                services.Add((a[2..].ToLowerInvariant(), int.Parse(Next(), CultureInfo.InvariantCulture)));
            else
            {
                Console.Error.WriteLine($"unknown argument {a}; emulators: {string.Join(", ", EmulatorCatalog.All.Keys.Order())}");
                return 2;
            }
            break;
    }
}
if (services.Count == 0)
{
    Console.Error.WriteLine("nothing to run: pass e.g. --picwish 5101");
    return 2;
}
var pixels = new PixelMaker(PixelEngines.CreateDefault(assets));
var hosts = new List<EmulatorHost>();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
foreach (var (name, port) in services)
{
    var host = await EmulatorCatalog.Create(name, settings, pixels).StartAsync(port, consoleLogging: true);
    hosts.Add(host);
    Console.WriteLine($"Now listening on: {host.BaseUri.ToString().TrimEnd('/')} ({name}, engine: {(pixels.IsRealEngine ? "real" : "simple")})");
}
Console.WriteLine("Application started. Press Ctrl+C to shut down.");
try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
foreach (var h in hosts) await h.DisposeAsync();
return 0;
