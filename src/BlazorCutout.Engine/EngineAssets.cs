using System.Security.Cryptography;

namespace BlazorCutout.Engine;

/// <summary>
/// The file scripts/engine-assets.sh prepares (the model weights; ONNX Runtime and libvips come from their NuGet
/// packages), with the same pinned sha256; checked before it is loaded so that a missing or damaged file is named in
/// the error instead of crashing the process.
/// </summary>
public static class EngineAssets
{
    public const string ModelFile = "isnet-medium.onnx";
    public const string ModelSha256 = "b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb";

    private const string Hint = "run scripts/engine-assets.sh (the cutout run/test commands do) to prepare the engine assets";

    /// <summary>Throws <see cref="CutoutException"/> (AssetMissing / AssetCorrupt) naming the file.</summary>
    public static void Check(string path, string? expectedSha256, bool verify, string what)
    {
        if (!File.Exists(path))
            throw new CutoutException(CutoutErrorCode.AssetMissing, $"The engine's {what} is missing: {path} ({Hint}).");
        var length = new FileInfo(path).Length;
        if (length == 0)
            throw new CutoutException(CutoutErrorCode.AssetCorrupt, $"The engine's {what} is empty: {path} ({Hint}).");
        if (!verify || expectedSha256 is null) return;
        string actual;
        using (var f = File.OpenRead(path))
            actual = Convert.ToHexStringLower(SHA256.HashData(f));
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new CutoutException(CutoutErrorCode.AssetCorrupt,
                $"The engine's {what} is corrupt: {path} has sha256 {actual}, expected {expectedSha256} (delete it and {Hint}).");
    }
}
