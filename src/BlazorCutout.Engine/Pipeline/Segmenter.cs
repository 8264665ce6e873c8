using System.Runtime.InteropServices;
using BlazorCutout.Engine.Native;

namespace BlazorCutout.Engine.Pipeline;

/// <summary>
/// One ONNX Runtime environment and session for the process's engine: created once, used by every request,
/// released on dispose. Memory-lean by default (CPU arena and memory pattern off).
/// </summary>
internal sealed unsafe class Segmenter : IDisposable
{
    private readonly Ort _ort;
    private nint _env, _options, _session, _memInfo;
    private readonly string _inputName, _outputName;
    private readonly EngineOptions _cfg;

    public int InputSize => _cfg.InputSize;
    public string RuntimeVersion => _ort.Version;

    public Segmenter(EngineOptions cfg)
    {
        _cfg = cfg;
        var lib = Path.Combine(cfg.AssetsDirectory, EngineAssets.OrtLibrary);
        EngineAssets.Check(lib, EngineAssets.OrtLibrarySha256, cfg.VerifyAssetChecksums, "ONNX Runtime library");
        EngineAssets.Check(cfg.ResolvedModelPath, cfg.ExpectedModelSha256, cfg.VerifyAssetChecksums, "segmentation model");
        try
        {
            _ort = OrtLoader.Get(lib);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
        {
            throw new CutoutException(CutoutErrorCode.AssetCorrupt, $"The engine's ONNX Runtime library could not be loaded: {lib} ({e.Message}).", e);
        }

        try
        {
            _env = _ort.CreateEnv(3 /* error */, "blazorcutout");
            _options = _ort.CreateSessionOptions();
            _ort.SetIntraOpNumThreads(_options, cfg.IntraOpThreads);
            _ort.SetInterOpNumThreads(_options, 1);
            _ort.SetSequentialExecution(_options);
            _ort.SetGraphOptimizationLevel(_options, 99);
            if (!cfg.UseMemoryArena)
            {
                _ort.DisableCpuMemArena(_options);
                _ort.DisableMemPattern(_options);
            }
            try
            {
                _session = _ort.CreateSession(_env, cfg.ResolvedModelPath, _options);
            }
            catch (OrtException e)
            {
                throw new CutoutException(CutoutErrorCode.AssetCorrupt,
                    $"The engine's segmentation model could not be loaded: {cfg.ResolvedModelPath} ({e.Message}).", e);
            }
            var inputs = _ort.InputNames(_session);
            var outputs = _ort.OutputNames(_session);
            _inputName = cfg.InputName ?? inputs.FirstOrDefault() ?? "";
            _outputName = cfg.OutputName ?? outputs.FirstOrDefault() ?? "";
            if (!inputs.Contains(_inputName) || !outputs.Contains(_outputName))
                throw new CutoutException(CutoutErrorCode.AssetCorrupt,
                    $"The segmentation model {cfg.ResolvedModelPath} has inputs [{string.Join(", ", inputs)}] and outputs [{string.Join(", ", outputs)}]; " +
                    $"configured input \"{_inputName}\" and output \"{_outputName}\" do not match.");
            _memInfo = _ort.CreateCpuMemoryInfo();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on planar normalised input [1,3,N,N] and returns the first N x N plane of the output.
    /// The input stays pinned (it lives on the pinned object heap) for the whole Run call.
    /// </summary>
    public float[] Run(float[] input)
    {
        var n = _cfg.InputSize;
        if (input.Length != 3 * n * n) throw new ArgumentException("input size", nameof(input));
        nint inValue = 0, outValue = 0;
        var handle = GCHandle.Alloc(input, GCHandleType.Pinned);
        try
        {
            var p = (float*)handle.AddrOfPinnedObject();
            inValue = _ort.CreateFloatTensor(_memInfo, p, input.Length, [1, 3, n, n]);
            _ort.Run(_session, _inputName, inValue, _outputName, out outValue);
            var shape = _ort.TensorShape(outValue);
            long count = 1;
            foreach (var d in shape) count *= d;
            if (shape.Length < 2 || shape[^1] != n || shape[^2] != n || count < (long)n * n)
                throw new InvalidOperationException($"Unexpected model output shape [{string.Join(",", shape)}], wanted [...,{n},{n}]");
            var result = new float[n * n];
            new ReadOnlySpan<float>(_ort.TensorData(outValue), n * n).CopyTo(result);
            return result;
        }
        finally
        {
            _ort.ReleaseValue(outValue);
            _ort.ReleaseValue(inValue);
            handle.Free();
        }
    }

    public void Dispose()
    {
        _ort?.ReleaseMemoryInfo(_memInfo); _memInfo = 0;
        _ort?.ReleaseSession(_session); _session = 0;
        _ort?.ReleaseSessionOptions(_options); _options = 0;
        _ort?.ReleaseEnv(_env); _env = 0;
    }
}

/// <summary>The ONNX Runtime library is loaded once per process (its environment is process-global anyway).</summary>
internal static class OrtLoader
{
    private static readonly object s_lock = new();
    private static Ort? s_ort;

    public static Ort Get(string path)
    {
        lock (s_lock) return s_ort ??= Ort.Load(path);
    }
}
