using System.Security.Cryptography;

namespace BlazorCutout.Engine;

/// <summary>
/// The files scripts/engine-assets.sh prepares, with the same pinned sha256 values; checked before anything is loaded
/// so that a missing or damaged file is named in the error instead of crashing the process.
/// </summary>
public static class EngineAssets
{
    public const string OrtLibrary = "libonnxruntime.so.1";
    public const string OrtLibrarySha256 = "ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23";
    public const string VipsLibrary = "libvips-cpp.so.8.18.7";
    public const string VipsLibrarySha256 = "4aa73553408c3964071728f4a231a8e86918e39bc49f1fbae75355f7ea933ea9";
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
