using System.Runtime.InteropServices;

namespace BlazorCutout.Engine.Native;

/// <summary>
/// A minimal binding of the ONNX Runtime C API: <c>OrtGetApiBase()->GetApi(version)</c> returns a table of function
/// pointers (struct OrtApi in onnxruntime_c_api.h); the indices below are the positions of the entries we call.
/// The table is append-only across versions, so asking for <see cref="ApiVersion"/> works with any newer library.
/// </summary>
internal sealed unsafe class Ort
{
    public const uint ApiVersion = 13;

    // Positions in struct OrtApi (stable since API 1; verified against the v13 header).
    private const int IdxCreateStatus = 0, IdxGetErrorCode = 1, IdxGetErrorMessage = 2, IdxCreateEnv = 3,
        IdxCreateSession = 7, IdxRun = 9, IdxCreateSessionOptions = 10, IdxSetSessionExecutionMode = 13,
        IdxDisableMemPattern = 17, IdxDisableCpuMemArena = 19, IdxSetSessionGraphOptimizationLevel = 23,
        IdxSetIntraOpNumThreads = 24, IdxSetInterOpNumThreads = 25, IdxSessionGetInputCount = 30,
        IdxSessionGetOutputCount = 31, IdxSessionGetInputName = 36, IdxSessionGetOutputName = 37,
        IdxCreateTensorWithDataAsOrtValue = 49, IdxGetTensorMutableData = 51, IdxGetDimensionsCount = 61,
        IdxGetDimensions = 62, IdxGetTensorTypeAndShape = 65, IdxCreateCpuMemoryInfo = 69, IdxAllocatorFree = 76,
        IdxGetAllocatorWithDefaultOptions = 78, IdxReleaseEnv = 92, IdxReleaseStatus = 93, IdxReleaseMemoryInfo = 94,
        IdxReleaseSession = 95, IdxReleaseValue = 96, IdxReleaseTensorTypeAndShapeInfo = 99,
        IdxReleaseSessionOptions = 100;

    public const int OnnxFloat = 1;
    private readonly nint* _api;

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBase
    {
        public delegate* unmanaged<uint, nint*> GetApi;
        public delegate* unmanaged<nint> GetVersionString;
    }

    private Ort(nint* api, string version) { _api = api; Version = version; }

    public string Version { get; }

    /// <summary>Loads the library at <paramref name="libraryPath"/> and resolves the function table.</summary>
    public static Ort Load(string libraryPath)
    {
        var handle = NativeLibrary.Load(libraryPath);
        var getBase = (delegate* unmanaged<OrtApiBase*>)NativeLibrary.GetExport(handle, "OrtGetApiBase");
        var b = getBase();
        var version = Marshal.PtrToStringUTF8(b->GetVersionString()) ?? "?";
        var api = b->GetApi(ApiVersion);
        if (api == null) throw new InvalidOperationException($"ONNX Runtime {version} does not offer C API version {ApiVersion}");
        var ort = new Ort(api, version);
        ort.SelfCheck();
        return ort;
    }

    private nint F(int i) => _api[i];

    /// <summary>Round-trips a status through the first three entries, catching a wrong table early.</summary>
    private void SelfCheck()
    {
        var msg = Marshal.StringToCoTaskMemUTF8("self-check");
        try
        {
            var st = ((delegate* unmanaged<int, nint, nint>)F(IdxCreateStatus))(2, msg);
            var code = ((delegate* unmanaged<nint, int>)F(IdxGetErrorCode))(st);
            var text = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint, nint>)F(IdxGetErrorMessage))(st));
            ((delegate* unmanaged<nint, void>)F(IdxReleaseStatus))(st);
            if (code != 2 || text != "self-check") throw new InvalidOperationException("ONNX Runtime function table self-check failed");
        }
        finally { Marshal.FreeCoTaskMem(msg); }
    }

    /// <summary>Throws <see cref="OrtException"/> for a non-null status, releasing it.</summary>
    public void Check(nint status)
    {
        if (status == 0) return;
        var code = ((delegate* unmanaged<nint, int>)F(IdxGetErrorCode))(status);
        var text = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint, nint>)F(IdxGetErrorMessage))(status)) ?? "";
        ((delegate* unmanaged<nint, void>)F(IdxReleaseStatus))(status);
        throw new OrtException(code, text);
    }

    public nint CreateEnv(int logLevel, string logId)
    {
        var id = Marshal.StringToCoTaskMemUTF8(logId);
        try
        {
            nint env;
            Check(((delegate* unmanaged<int, nint, nint*, nint>)F(IdxCreateEnv))(logLevel, id, &env));
            return env;
        }
        finally { Marshal.FreeCoTaskMem(id); }
    }

    public nint CreateSessionOptions()
    {
        nint o;
        Check(((delegate* unmanaged<nint*, nint>)F(IdxCreateSessionOptions))(&o));
        return o;
    }

    public void SetIntraOpNumThreads(nint o, int n) => Check(((delegate* unmanaged<nint, int, nint>)F(IdxSetIntraOpNumThreads))(o, n));
    public void SetInterOpNumThreads(nint o, int n) => Check(((delegate* unmanaged<nint, int, nint>)F(IdxSetInterOpNumThreads))(o, n));
    public void SetSequentialExecution(nint o) => Check(((delegate* unmanaged<nint, int, nint>)F(IdxSetSessionExecutionMode))(o, 0));
    public void SetGraphOptimizationLevel(nint o, int level) => Check(((delegate* unmanaged<nint, int, nint>)F(IdxSetSessionGraphOptimizationLevel))(o, level));
    public void DisableCpuMemArena(nint o) => Check(((delegate* unmanaged<nint, nint>)F(IdxDisableCpuMemArena))(o));
    public void DisableMemPattern(nint o) => Check(((delegate* unmanaged<nint, nint>)F(IdxDisableMemPattern))(o));

    public nint CreateSession(nint env, string modelPath, nint options)
    {
        var p = Marshal.StringToCoTaskMemUTF8(modelPath);
        try
        {
            nint s;
            Check(((delegate* unmanaged<nint, nint, nint, nint*, nint>)F(IdxCreateSession))(env, p, options, &s));
            return s;
        }
        finally { Marshal.FreeCoTaskMem(p); }
    }

    public IReadOnlyList<string> InputNames(nint session) => Names(session, IdxSessionGetInputCount, IdxSessionGetInputName);
    public IReadOnlyList<string> OutputNames(nint session) => Names(session, IdxSessionGetOutputCount, IdxSessionGetOutputName);

    private List<string> Names(nint session, int countIdx, int nameIdx)
    {
        nuint count;
        Check(((delegate* unmanaged<nint, nuint*, nint>)F(countIdx))(session, &count));
        nint alloc;
        Check(((delegate* unmanaged<nint*, nint>)F(IdxGetAllocatorWithDefaultOptions))(&alloc));
        var names = new List<string>();
        for (nuint i = 0; i < count; i++)
        {
            nint name;
            Check(((delegate* unmanaged<nint, nuint, nint, nint*, nint>)F(nameIdx))(session, i, alloc, &name));
            names.Add(Marshal.PtrToStringUTF8(name) ?? "");
            Check(((delegate* unmanaged<nint, nint, nint>)F(IdxAllocatorFree))(alloc, name));
        }
        return names;
    }

    public nint CreateCpuMemoryInfo()
    {
        nint info;
        // OrtDeviceAllocator = 0, OrtMemTypeDefault = 0
        Check(((delegate* unmanaged<int, int, nint*, nint>)F(IdxCreateCpuMemoryInfo))(0, 0, &info));
        return info;
    }

    /// <summary>Wraps caller memory as a float tensor; the memory must stay pinned until the value is released.</summary>
    public nint CreateFloatTensor(nint memInfo, float* data, long count, ReadOnlySpan<long> shape)
    {
        nint value;
        fixed (long* s = shape)
            Check(((delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)F(IdxCreateTensorWithDataAsOrtValue))(
                memInfo, data, (nuint)(count * sizeof(float)), s, (nuint)shape.Length, OnnxFloat, &value));
        return value;
    }

    public void Run(nint session, string inputName, nint input, string outputName, out nint output)
    {
        var inName = Marshal.StringToCoTaskMemUTF8(inputName);
        var outName = Marshal.StringToCoTaskMemUTF8(outputName);
        try
        {
            nint outValue = 0;
            Check(((delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)F(IdxRun))(
                session, 0, &inName, &input, 1, &outName, 1, &outValue));
            output = outValue;
        }
        finally
        {
            Marshal.FreeCoTaskMem(inName);
            Marshal.FreeCoTaskMem(outName);
        }
    }

    public float* TensorData(nint value)
    {
        void* p;
        Check(((delegate* unmanaged<nint, void**, nint>)F(IdxGetTensorMutableData))(value, &p));
        return (float*)p;
    }

    public long[] TensorShape(nint value)
    {
        nint info;
        Check(((delegate* unmanaged<nint, nint*, nint>)F(IdxGetTensorTypeAndShape))(value, &info));
        try
        {
            nuint n;
            Check(((delegate* unmanaged<nint, nuint*, nint>)F(IdxGetDimensionsCount))(info, &n));
            var dims = new long[(int)n];
            fixed (long* d = dims)
                Check(((delegate* unmanaged<nint, long*, nuint, nint>)F(IdxGetDimensions))(info, d, n));
            return dims;
        }
        finally { ((delegate* unmanaged<nint, void>)F(IdxReleaseTensorTypeAndShapeInfo))(info); }
    }

    public void ReleaseValue(nint v) { if (v != 0) ((delegate* unmanaged<nint, void>)F(IdxReleaseValue))(v); }
    public void ReleaseMemoryInfo(nint v) { if (v != 0) ((delegate* unmanaged<nint, void>)F(IdxReleaseMemoryInfo))(v); }
    public void ReleaseSession(nint v) { if (v != 0) ((delegate* unmanaged<nint, void>)F(IdxReleaseSession))(v); }
    public void ReleaseSessionOptions(nint v) { if (v != 0) ((delegate* unmanaged<nint, void>)F(IdxReleaseSessionOptions))(v); }
    public void ReleaseEnv(nint v) { if (v != 0) ((delegate* unmanaged<nint, void>)F(IdxReleaseEnv))(v); }
}

internal sealed class OrtException(int code, string message) : Exception($"ONNX Runtime error {code}: {message}")
{
    public int Code { get; } = code;
}
