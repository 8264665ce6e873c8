using Microsoft.ML.OnnxRuntime;

namespace BlazorCutout.Engine.Pipeline;

/// <summary>
/// One ONNX Runtime session (Microsoft.ML.OnnxRuntime) for the process's engine: created once, used by every request,
/// released on dispose. Its CPU memory arena is on by default (see <see cref="EngineOptions.UseMemoryArena"/>), and
/// <see cref="ReleaseArena"/> gives the arena's memory back when the engine is idle.
/// </summary>
internal sealed class Segmenter : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly RunOptions _shrinkOptions = new();
    private readonly string[] _inputNames, _outputNames;
    private readonly long[] _inputShape;
    private readonly EngineOptions _cfg;

    public int InputSize => _cfg.InputSize;
    public string RuntimeVersion { get; }

    public Segmenter(EngineOptions cfg)
    {
        _cfg = cfg;
        EngineAssets.Check(cfg.ResolvedModelPath, cfg.ExpectedModelSha256, cfg.VerifyAssetChecksums, "segmentation model");
        OrtEnv env;
        try
        {
            env = OrtEnvironment.Get();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
                                      or TypeInitializationException or OnnxRuntimeException)
        {
            throw new CutoutException(CutoutErrorCode.AssetCorrupt,
                $"The engine's ONNX Runtime (from the Microsoft.ML.OnnxRuntime package) could not be loaded: {e.Message}", e);
        }
        RuntimeVersion = env.GetVersionString();
        _shrinkOptions.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");

        using var options = new SessionOptions
        {
            IntraOpNumThreads = cfg.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableCpuMemArena = cfg.UseMemoryArena,
            EnableMemoryPattern = cfg.UseMemoryPattern,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            _session = new InferenceSession(cfg.ResolvedModelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new CutoutException(CutoutErrorCode.AssetCorrupt,
                $"The engine's segmentation model could not be loaded: {cfg.ResolvedModelPath} ({e.Message}).", e);
        }
        try
        {
            var inputs = _session.InputNames;
            var outputs = _session.OutputNames;
            var inputName = cfg.InputName ?? inputs.FirstOrDefault() ?? "";
            var outputName = cfg.OutputName ?? outputs.FirstOrDefault() ?? "";
            if (!inputs.Contains(inputName) || !outputs.Contains(outputName))
                throw new CutoutException(CutoutErrorCode.AssetCorrupt,
                    $"The segmentation model {cfg.ResolvedModelPath} has inputs [{string.Join(", ", inputs)}] and outputs [{string.Join(", ", outputs)}]; " +
                    $"configured input \"{inputName}\" and output \"{outputName}\" do not match.");
            _inputNames = [inputName];
            _outputNames = [outputName];
            _inputShape = [1, 3, cfg.InputSize, cfg.InputSize];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on planar normalised input [1,3,N,N] and returns the first N x N plane of the output. The tensor
    /// wraps <paramref name="input"/> without a copy (ONNX Runtime pins it for the call).
    /// </summary>
    public float[] Run(float[] input)
    {
        var n = _cfg.InputSize;
        if (input.Length != 3 * n * n) throw new ArgumentException("input size", nameof(input));
        using var inValue = OrtValue.CreateTensorValueFromMemory(input, _inputShape);
        using var outputs = _session.Run(_runOptions, _inputNames, [inValue], _outputNames);
        var output = outputs[0];
        var shape = output.GetTensorTypeAndShape().Shape;
        long count = 1;
        foreach (var d in shape) count *= d;
        if (shape.Length < 2 || shape[^1] != n || shape[^2] != n || count < (long)n * n)
            throw new InvalidOperationException($"Unexpected model output shape [{string.Join(",", shape)}], wanted [...,{n},{n}]");
        var result = GC.AllocateUninitializedArray<float>(n * n);
        output.GetTensorDataAsSpan<float>()[..(n * n)].CopyTo(result);
        return result;
    }

    /// <summary>
    /// Gives the memory arena's free regions back to the system. ONNX Runtime shrinks an arena only at the end of a run
    /// asked to, so this runs the model once on a blank input (about a second of CPU, with nobody waiting); the next
    /// real run maps its memory again, which costs it about a second once.
    /// </summary>
    public void ReleaseArena()
    {
        if (!_cfg.UseMemoryArena) return;
        var n = _cfg.InputSize;
        using var inValue = OrtValue.CreateTensorValueFromMemory(new float[3 * n * n], _inputShape);
        using var outputs = _session.Run(_shrinkOptions, _inputNames, [inValue], _outputNames);
    }

    public void Dispose()
    {
        _session?.Dispose();
        _runOptions.Dispose();
        _shrinkOptions.Dispose();
    }
}

/// <summary>
/// ONNX Runtime's environment is process-global: created once, logging only errors (its warnings about the model's
/// unused initialisers are noise for users of the CLI).
/// </summary>
internal static class OrtEnvironment
{
    private static readonly object s_lock = new();
    private static OrtEnv? s_env;

    public static OrtEnv Get()
    {
        lock (s_lock)
        {
            if (s_env is not null) return s_env;
            var options = new EnvironmentCreationOptions
            {
                logId = "blazorcutout",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            return s_env = OrtEnv.CreateInstanceWithOptions(ref options);
        }
    }
}
