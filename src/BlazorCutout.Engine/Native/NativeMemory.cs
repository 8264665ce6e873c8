using System.Runtime.InteropServices;

namespace BlazorCutout.Engine.Native;

/// <summary>
/// glibc heap tuning. ONNX Runtime (arena off), libvips and .NET's thread pool allocate from many threads; glibc then
/// creates an arena per thread and keeps freed memory in each, so the resident set of a long-running process creeps
/// up request after request. Two arenas and a trim after each request keep it near one request's peak.
/// </summary>
internal static class NativeMemory
{
    private const int M_ARENA_MAX = -8;
    private static int s_configured;

    public static void LimitArenas(int arenas)
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_configured, 1) == 1) return;
        try { mallopt(M_ARENA_MAX, arenas); } catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>Returns freed heap pages to the system (glibc's malloc_trim).</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { malloc_trim(0); } catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "mallopt")] private static extern int mallopt(int param, int value);
    [DllImport("libc", EntryPoint = "malloc_trim")] private static extern int malloc_trim(nuint pad);
}
