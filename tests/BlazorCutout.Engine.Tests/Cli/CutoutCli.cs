using System.Diagnostics;
using BlazorCutout.Engine.Tests.Engine;

namespace BlazorCutout.Engine.Tests.Cli;

/// <summary>The built <c>cutout-cli</c> as a real process, with the engine assets passed the way <c>./cutout remove</c> passes them.</summary>
internal static class CutoutCli
{
    /// <summary>Only a guard against a hung process; no test asserts on how long anything takes.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public sealed record Outcome(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
    }

    public static async Task<Outcome> RunAsync(string assetsDirectory, string workingDirectory, params string[] args)
    {
        var executable = Path.Combine(EngineFixture.RepoRoot(), "src", "BlazorCutout.Cli", "bin", Configuration(), "net10.0", "cutout-cli");
        if (!File.Exists(executable))
            throw new FileNotFoundException("Build the solution first (./cutout test does).", executable);
        var start = new ProcessStartInfo(executable, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[EngineOptions.AssetsDirectoryVariable] = assetsDirectory;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var hung = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(hung.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cutout-cli {string.Join(' ', args)} did not exit within {Patience.TotalMinutes} minutes");
        }
        return new Outcome(process.ExitCode, await output, await errors);
    }

    /// <summary>The CLI is used as built in the same configuration as these tests.</summary>
    private static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
}
