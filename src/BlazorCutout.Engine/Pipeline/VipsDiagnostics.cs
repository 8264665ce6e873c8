using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetVips;

namespace BlazorCutout.Engine.Pipeline;

/// <summary>
/// Where libvips' own words go: to the log, never to a user. libvips writes warnings ("VIPS-WARNING **: error in
/// tile 0 x 264") through GLib's logging, which prints them on stderr, and its error texts name its internals
/// ("VipsForeignLoadHeifBuffer: source: bad seek..."); both are taken here. The handler is process-wide (GLib's log
/// handlers are), so the last engine created with a logger receives them.
/// </summary>
internal static class VipsDiagnostics
{
    /// <summary>GLib log domains libvips and the GLib underneath it write to.</summary>
    private static readonly string[] Domains = ["VIPS", "GLib", "GLib-GObject"];

    private static readonly object s_lock = new();
    private static ILogger s_logger = NullLogger.Instance;
    // Kept in a static so the delegate GLib calls back into is never collected.
    private static Log.LogDelegate? s_handler;

    /// <summary>The logger that receives libvips' messages and decoder failure details from now on.</summary>
    public static void UseLogger(ILogger? logger)
    {
        if (logger is not null) Volatile.Write(ref s_logger, logger);
    }

    /// <summary>Routes libvips' GLib log messages to <see cref="UseLogger"/>'s logger (once per process).</summary>
    public static void CaptureLibvipsLog()
    {
        lock (s_lock)
        {
            if (s_handler is not null) return;
            s_handler = OnLibvipsLog;
            foreach (var domain in Domains)
                Log.SetLogHandler(domain, Enums.LogLevelFlags.AllButFatal, s_handler);
        }
    }

    private static void OnLibvipsLog(string domain, Enums.LogLevelFlags level, string message)
    {
        var logger = Volatile.Read(ref s_logger);
        var ourLevel = (level & Enums.LogLevelFlags.LevelMask) switch
        {
            Enums.LogLevelFlags.Error or Enums.LogLevelFlags.Critical => LogLevel.Error,
            Enums.LogLevelFlags.Warning => LogLevel.Warning,
            Enums.LogLevelFlags.Message => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        // A warning about one image (a damaged tile, a truncated file read leniently) is not the operator's concern
        // beyond a debug trace: the request itself reports the failure in our words when it matters.
        if (ourLevel == LogLevel.Warning && domain == "VIPS") ourLevel = LogLevel.Debug;
        if (logger.IsEnabled(ourLevel)) logger.Log(ourLevel, "libvips [{Domain}] {Message}", domain, message?.Trim());
    }

    /// <summary>
    /// A decoder failure as the user sees it: <paramref name="message"/> (our words). libvips' text goes to the log
    /// only: not even as the inner exception, which callers may log or show further up.
    /// </summary>
    public static CutoutException DecoderFailure(VipsException e, CutoutErrorCode code, string message)
    {
        var logger = Volatile.Read(ref s_logger);
        if (logger.IsEnabled(LogLevel.Information))
            logger.LogInformation("Image refused ({Code}): {Message} libvips said: {Detail}", code, message, Detail(e));
        return new CutoutException(code, message);
    }

    /// <summary>A libvips failure the engine recovers from (e.g. a damaged colour profile ignored), for the log.</summary>
    public static void Ignored(VipsException e, string what)
    {
        var logger = Volatile.Read(ref s_logger);
        if (logger.IsEnabled(LogLevel.Debug)) logger.LogDebug("Ignored {What}; libvips said: {Detail}", what, Detail(e));
    }

    private static string Detail(VipsException e) => e.Message.ReplaceLineEndings(" ").Trim();
}
