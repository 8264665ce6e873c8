using System.Security.Cryptography;
using System.Text;

namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// Deterministic "generated" images: the same seed and index always give the same picture, different indexes give
/// visibly different ones. Used to emulate AI background generation (gpt.ge 002) and to make test source photos.
/// </summary>
public static class Backgrounds
{
    /// <summary>A diagonal two-colour gradient derived from SHA-256(seed + index), as PNG.</summary>
    public static byte[] Gradient(string seed, int index, int width, int height)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\u0000{index}"));
        var rgb = new byte[width * height * 3];
        var denominator = Math.Max(1, width + height - 2);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var t = (x + y) / (double)denominator;
            var o = (y * width + x) * 3;
            for (var c = 0; c < 3; c++) rgb[o + c] = (byte)(h[c] * (1 - t) + h[3 + c] * t);
        }
        return Png.Encode(rgb, width, height, 3);
    }

    /// <summary>
    /// A test "photo": a plain light background with a dark filled disc in the middle (an obvious subject), as PNG.
    /// Small by default so the engine's work stays cheap.
    /// </summary>
    public static byte[] SubjectPhoto(int width = 96, int height = 72, int variant = 0)
    {
        var rgb = new byte[width * height * 3];
        double cx = width / 2.0, cy = height / 2.0, r = Math.Min(width, height) * 0.3;
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var o = (y * width + x) * 3;
            var inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
            rgb[o] = inside ? (byte)(180 + variant % 50) : (byte)235;
            rgb[o + 1] = inside ? (byte)40 : (byte)238;
            rgb[o + 2] = inside ? (byte)30 : (byte)240;
        }
        return Png.Encode(rgb, width, height, 3);
    }
}
