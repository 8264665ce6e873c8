using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace BlazorCutout.Engine.Native;

/// <summary>
/// A small binding of the libvips C API (libvips-cpp.so from sharp's prebuilt, which also exports glib/gobject).
/// Operations are called through the generic path (<c>vips_operation_new</c>, properties, <c>vips_cache_operation_build</c>)
/// rather than the varargs convenience functions, so no C varargs (and no double varargs) cross the boundary.
/// </summary>
internal static unsafe partial class Vips
{
    private const string Lib = "blazorcutout-vips";
    private static string? s_libraryPath;
    private static readonly object s_initLock = new();
    private static bool s_initialised;

    static Vips()
    {
        NativeLibrary.SetDllImportResolver(typeof(Vips).Assembly, Resolve);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib) return 0;
        var p = s_libraryPath ?? throw new InvalidOperationException("libvips was used before Vips.Initialise");
        return NativeLibrary.Load(p);
    }

    /// <summary>Loads libvips from <paramref name="libraryPath"/> once per process and configures it.</summary>
    public static void Initialise(string libraryPath, int concurrency)
    {
        lock (s_initLock)
        {
            if (s_initialised) return;
            s_libraryPath = libraryPath;
            fixed (byte* argv0 = "blazorcutout\0"u8)
                if (vips_init(argv0) != 0) throw new VipsException("vips_init failed: " + TakeError());
            vips_cache_set_max(0);            // operations are not reused: do not keep images alive in the cache
            vips_block_untrusted_set(1);      // refuse loaders libvips marks as unfuzzed
            if (concurrency > 0) vips_concurrency_set(concurrency);
            Version = $"{vips_version(0)}.{vips_version(1)}.{vips_version(2)}";
            s_initialised = true;
        }
    }

    public static string Version { get; private set; } = "";

    public static string TakeError()
    {
        var p = vips_error_buffer();
        var s = p == 0 ? "" : Marshal.PtrToStringUTF8(p) ?? "";
        vips_error_clear();
        return s.Trim();
    }

    // ---- loading ----

    /// <summary>The loader libvips picks from the first bytes, e.g. "VipsForeignLoadJpegBuffer"; null when none.</summary>
    public static string? FindLoader(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var name = vips_foreign_find_load_buffer(p, (nuint)data.Length);
            if (name == 0) { vips_error_clear(); return null; }
            return Marshal.PtrToStringUTF8(name);
        }
    }

    /// <summary>
    /// Opens an encoded image lazily (header only). libvips borrows <paramref name="data"/>: the caller keeps it pinned
    /// (at <paramref name="pinned"/>) until every image derived from the result has been materialised or released.
    /// </summary>
    public static VipsImage LoadBuffer(string loader, byte* pinned, int length, bool sequential, bool failOnTruncated,
        params (string Name, object Value)[] extra)
    {
        var blob = vips_blob_new(0, pinned, (nuint)length);
        try
        {
            var args = new List<(string, object)> { ("buffer", new BlobArg(blob)) };
            if (sequential) args.Add(("access", "sequential"));
            if (failOnTruncated) args.Add(("fail_on", "truncated"));
            args.AddRange(extra);
            return Call(loader, args.ToArray()).Image!;
        }
        finally { vips_area_unref(blob); }
    }

    /// <summary>Wraps interleaved 8-bit pixels without copying; <paramref name="pinned"/> must outlive the image.</summary>
    public static VipsImage FromMemory(byte* pinned, int length, int width, int height, int bands, int format = 0 /* UCHAR */)
    {
        var img = vips_image_new_from_memory(pinned, (nuint)length, width, height, bands, format);
        if (img == 0) throw new VipsException("vips_image_new_from_memory: " + TakeError());
        return new VipsImage(img);
    }

    // ---- generic operation call ----

    private readonly record struct BlobArg(nint Blob);

    public sealed class CallResult
    {
        public VipsImage? Image;
        public byte[]? Buffer;
    }

    /// <summary>Runs operation <paramref name="name"/> with the given inputs and reads back "out" (image) or "buffer" (saver).</summary>
    public static CallResult Call(string name, params (string Name, object Value)[] args)
    {
        nint op;
        fixed (byte* n = Utf8(name)) op = vips_operation_new(n);
        if (op == 0) throw new VipsException($"libvips has no operation {name}: " + TakeError());
        try
        {
            foreach (var (argName, value) in args) SetArg(op, argName, value);
        }
        catch
        {
            vips_object_unref_outputs(op);
            g_object_unref(op);
            throw;
        }

        var built = vips_cache_operation_build(op);
        if (built == 0)
        {
            vips_object_unref_outputs(op);
            g_object_unref(op);
            throw new VipsException($"{name}: " + TakeError());
        }
        g_object_unref(op);
        try
        {
            var result = new CallResult();
            if (HasProperty(built, "out") && PropertyType(built, "out") == vips_image_get_type())
                result.Image = new VipsImage(GetObject(built, "out", vips_image_get_type()));
            else if (HasProperty(built, "buffer"))
                result.Buffer = GetBlob(built, "buffer");
            return result;
        }
        finally
        {
            vips_object_unref_outputs(built);
            g_object_unref(built);
        }
    }

    private static void SetArg(nint op, string name, object value)
    {
        var gv = stackalloc byte[GValueSize];
        new Span<byte>(gv, GValueSize).Clear();
        fixed (byte* n = Utf8(name))
        {
            switch (value)
            {
                case VipsImage img:
                    g_value_init(gv, vips_image_get_type());
                    g_value_set_object(gv, img.Handle);
                    g_object_set_property(op, n, gv);
                    g_value_unset(gv);
                    break;
                case BlobArg blob:
                    g_value_init(gv, vips_blob_get_type());
                    g_value_set_boxed(gv, blob.Blob);
                    g_object_set_property(op, n, gv);
                    g_value_unset(gv);
                    break;
                default:
                    var text = value switch
                    {
                        bool b => b ? "true" : "false",
                        double d => d.ToString("R", CultureInfo.InvariantCulture),
                        float f => f.ToString("R", CultureInfo.InvariantCulture),
                        int i => i.ToString(CultureInfo.InvariantCulture),
                        double[] a => string.Join(" ", a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
                        string s => s,
                        _ => throw new ArgumentException($"unsupported libvips argument type {value.GetType()}"),
                    };
                    fixed (byte* t = Utf8(text))
                        if (vips_object_set_argument_from_string(op, n, t) != 0)
                            throw new VipsException($"argument {name}={text}: " + TakeError());
                    break;
            }
        }
    }

    private const int GValueSize = 24;

    private static bool HasProperty(nint obj, string name)
    {
        fixed (byte* n = Utf8(name))
            return g_object_class_find_property(*(nint*)obj, n) != 0;
    }

    private static nint PropertyType(nint obj, string name)
    {
        fixed (byte* n = Utf8(name))
        {
            var spec = g_object_class_find_property(*(nint*)obj, n);
            // GParamSpec: GTypeInstance (8), name (8), flags (4 + pad 4), value_type (8)
            return spec == 0 ? 0 : *(nint*)(spec + 24);
        }
    }

    private static nint GetObject(nint obj, string name, nint type)
    {
        var gv = stackalloc byte[GValueSize];
        new Span<byte>(gv, GValueSize).Clear();
        g_value_init(gv, type);
        fixed (byte* n = Utf8(name)) g_object_get_property(obj, n, gv);
        var o = g_value_get_object(gv);
        if (o != 0) g_object_ref(o);
        g_value_unset(gv);
        if (o == 0) throw new VipsException($"no {name} output");
        return o;
    }

    private static byte[] GetBlob(nint obj, string name)
    {
        var gv = stackalloc byte[GValueSize];
        new Span<byte>(gv, GValueSize).Clear();
        g_value_init(gv, vips_blob_get_type());
        fixed (byte* n = Utf8(name)) g_object_get_property(obj, n, gv);
        var blob = g_value_get_boxed(gv);
        try
        {
            if (blob == 0) throw new VipsException($"no {name} output");
            nuint len;
            var data = vips_blob_get(blob, &len);
            return new ReadOnlySpan<byte>(data, checked((int)len)).ToArray();
        }
        finally { g_value_unset(gv); }
    }

    private static byte[] Utf8(string s)
    {
        var b = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, b);
        return b;
    }

    // ---- image handle ----

    internal static int Width(nint img) => vips_image_get_width(img);
    internal static int Height(nint img) => vips_image_get_height(img);
    internal static int Bands(nint img) => vips_image_get_bands(img);
    internal static int Format(nint img) => vips_image_get_format(img);
    internal static int Interpretation(nint img) => vips_image_get_interpretation(img);
    internal static bool HasAlpha(nint img) => vips_image_hasalpha(img) != 0;
    internal static bool HasField(nint img, string name) { fixed (byte* n = Utf8(name)) return vips_image_get_typeof(img, n) != 0; }
    internal static int Orientation(nint img) => vips_image_get_orientation(img);
    internal static void Unref(nint o) => g_object_unref(o);

    /// <summary>Computes the image into a new native buffer and copies it into <paramref name="destination"/>.</summary>
    internal static void WriteToMemory(nint img, Span<byte> destination)
    {
        nuint size;
        var p = vips_image_write_to_memory(img, &size);
        if (p == null) throw new VipsException(TakeError());
        try
        {
            if ((long)size != destination.Length) throw new VipsException($"unexpected image size {size}, wanted {destination.Length}");
            new ReadOnlySpan<byte>(p, (int)size).CopyTo(destination);
        }
        finally { g_free(p); }
    }

    // ---- imports ----
    [DllImport(Lib)] private static extern int vips_init(byte* argv0);
    [DllImport(Lib)] private static extern void vips_cache_set_max(int max);
    [DllImport(Lib)] private static extern void vips_block_untrusted_set(int state);
    [DllImport(Lib)] private static extern void vips_concurrency_set(int n);
    [DllImport(Lib)] private static extern int vips_version(int flag);
    [DllImport(Lib)] private static extern nint vips_error_buffer();
    [DllImport(Lib)] private static extern void vips_error_clear();
    [DllImport(Lib)] private static extern nint vips_foreign_find_load_buffer(byte* data, nuint size);
    [DllImport(Lib)] private static extern nint vips_blob_new(nint freeFn, void* data, nuint length);
    [DllImport(Lib)] private static extern void* vips_blob_get(nint blob, nuint* length);
    [DllImport(Lib)] private static extern void vips_area_unref(nint area);
    [DllImport(Lib)] private static extern nint vips_blob_get_type();
    [DllImport(Lib)] private static extern nint vips_image_get_type();
    [DllImport(Lib)] private static extern nint vips_operation_new(byte* name);
    [DllImport(Lib)] private static extern int vips_object_set_argument_from_string(nint obj, byte* name, byte* value);
    [DllImport(Lib)] private static extern nint vips_cache_operation_build(nint op);
    [DllImport(Lib)] private static extern void vips_object_unref_outputs(nint obj);
    [DllImport(Lib)] private static extern nint vips_image_new_from_memory(void* data, nuint size, int width, int height, int bands, int format);
    [DllImport(Lib)] private static extern void* vips_image_write_to_memory(nint img, nuint* size);
    [DllImport(Lib)] private static extern int vips_image_get_width(nint img);
    [DllImport(Lib)] private static extern int vips_image_get_height(nint img);
    [DllImport(Lib)] private static extern int vips_image_get_bands(nint img);
    [DllImport(Lib)] private static extern int vips_image_get_format(nint img);
    [DllImport(Lib)] private static extern int vips_image_get_interpretation(nint img);
    [DllImport(Lib)] private static extern int vips_image_hasalpha(nint img);
    [DllImport(Lib)] private static extern nint vips_image_get_typeof(nint img, byte* name);
    [DllImport(Lib)] private static extern int vips_image_get_orientation(nint img);
    [DllImport(Lib)] private static extern void g_object_unref(nint obj);
    [DllImport(Lib)] private static extern nint g_object_ref(nint obj);
    [DllImport(Lib)] private static extern void g_object_set_property(nint obj, byte* name, void* value);
    [DllImport(Lib)] private static extern void g_object_get_property(nint obj, byte* name, void* value);
    [DllImport(Lib)] private static extern nint g_object_class_find_property(nint klass, byte* name);
    [DllImport(Lib)] private static extern void* g_value_init(void* value, nint type);
    [DllImport(Lib)] private static extern void g_value_unset(void* value);
    [DllImport(Lib)] private static extern void g_value_set_object(void* value, nint obj);
    [DllImport(Lib)] private static extern nint g_value_get_object(void* value);
    [DllImport(Lib)] private static extern void g_value_set_boxed(void* value, nint boxed);
    [DllImport(Lib)] private static extern nint g_value_get_boxed(void* value);
    [DllImport(Lib)] private static extern void g_free(void* p);
}

/// <summary>An owned reference to a VipsImage; disposing drops the reference.</summary>
internal sealed class VipsImage : IDisposable
{
    private nint _handle;
    public VipsImage(nint handle) => _handle = handle;
    public nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(VipsImage));
    public int Width => Vips.Width(Handle);
    public int Height => Vips.Height(Handle);
    public int Bands => Vips.Bands(Handle);
    public int Format => Vips.Format(Handle);
    public bool HasAlpha => Vips.HasAlpha(Handle);
    /// <summary>An embedded ICC profile (the loaders attach it as "icc-profile-data").</summary>
    public bool HasIccProfile => Vips.HasField(Handle, "icc-profile-data");
    public int Orientation => Vips.Orientation(Handle);

    public VipsImage Op(string name, params (string, object)[] args)
    {
        var all = new (string, object)[args.Length + 1];
        all[0] = ("in", this);
        args.CopyTo(all, 1);
        return Vips.Call(name, all).Image ?? throw new VipsException($"{name} returned no image");
    }

    public byte[] Save(string saver, params (string, object)[] args)
    {
        var all = new (string, object)[args.Length + 1];
        all[0] = ("in", this);
        args.CopyTo(all, 1);
        return Vips.Call(saver, all).Buffer ?? throw new VipsException($"{saver} returned no buffer");
    }

    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, 0);
        if (h != 0) Vips.Unref(h);
    }
}

internal sealed class VipsException(string message) : Exception(message);
