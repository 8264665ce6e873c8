using System.Runtime.InteropServices;

namespace BlazorCutout.Engine.Native;

/// <summary>
/// glibc heap tuning. libvips, .NET's thread pool and ONNX Runtime (when its own arena is off) allocate from many threads; glibc then
/// creates an arena per thread and keeps freed memory in each, so the resident set of a long-running process creeps
/// up request after request. Two arenas, large blocks mapped on their own (freed at once) and a trim when idle keep it near one request's peak.
/// </summary>
internal static class NativeMemory
{
    private const int M_ARENA_MAX = -8;
    private const int M_MMAP_THRESHOLD = -3;

    /// <summary>
    /// Allocations from this size up get their own mapping, returned to the system as soon as they are freed (the
    /// model's activations, image buffers). glibc's default threshold adapts upwards to 32 MB, after which such
    /// buffers stay in the heap's free lists and fragment it: back-to-back 12 MP requests then peaked above 1.5 GB.
    /// </summary>
    private const int MmapThreshold = 1024 * 1024;
    private static int s_configured;

    public static void LimitArenas(int arenas)
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_configured, 1) == 1) return;
        try { mallopt(M_ARENA_MAX, arenas); mallopt(M_MMAP_THRESHOLD, MmapThreshold); } catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
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
