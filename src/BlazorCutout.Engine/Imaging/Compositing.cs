namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// Geometry for "centred, scaled to fill preserving aspect ratio, excess edges cropped" (004 bg_image):
/// resize the source to exactly <see cref="ScaledWidth"/> x <see cref="ScaledHeight"/>
/// (e.g. vips_resize with hscale = ScaledWidth/srcWidth and vscale = ScaledHeight/srcHeight, which differ
/// from <see cref="Scale"/> only by rounding), then crop <see cref="Crop"/> out of the resized image.
/// </summary>
public readonly record struct FillCrop(double Scale, int ScaledWidth, int ScaledHeight, PixelRect Crop);

/// <summary>Alpha compositing of the estimated foreground over a new background, plus buffer cropping.</summary>
public static class Compositing
{
    /// <summary>out = fg·α + color·(1−α), rounded, per channel.</summary>
    public static byte[] OverColor(ReadOnlySpan<byte> fgRgb, ReadOnlySpan<float> alpha, (byte R, byte G, byte B) color, int width, int height)
    {
        BufferChecks.Rgb(fgRgb.Length, width, height, nameof(fgRgb));
        BufferChecks.Alpha(alpha.Length, width, height, nameof(alpha));
        var result = new byte[fgRgb.Length];
        float r = color.R, g = color.G, b = color.B;
        for (int i = 0, j = 0; i < alpha.Length; i++, j += 3)
        {
            float a = Clamp01(alpha[i]);
            result[j] = ToByte(r + (fgRgb[j] - r) * a);
            result[j + 1] = ToByte(g + (fgRgb[j + 1] - g) * a);
            result[j + 2] = ToByte(b + (fgRgb[j + 2] - b) * a);
        }
        return result;
    }

    /// <summary>out = fg·α + bg·(1−α); <paramref name="bgRgb"/> must already have the output size (see <see cref="FillCropRect"/>).</summary>
    public static byte[] OverImage(ReadOnlySpan<byte> fgRgb, ReadOnlySpan<float> alpha, ReadOnlySpan<byte> bgRgb, int width, int height)
    {
        BufferChecks.Rgb(fgRgb.Length, width, height, nameof(fgRgb));
        BufferChecks.Rgb(bgRgb.Length, width, height, nameof(bgRgb));
        BufferChecks.Alpha(alpha.Length, width, height, nameof(alpha));
        var result = new byte[fgRgb.Length];
        for (int i = 0, j = 0; i < alpha.Length; i++, j += 3)
        {
            float a = Clamp01(alpha[i]);
            for (int c = 0; c < 3; c++)
            {
                float bg = bgRgb[j + c];
                result[j + c] = ToByte(bg + (fgRgb[j + c] - bg) * a);
            }
        }
        return result;
    }

    /// <summary>
    /// Scale so the source covers the whole destination, then the centred crop of the destination's size.
    /// Scaled sizes are rounded and never smaller than the destination, so the crop always fits.
    /// </summary>
    public static FillCrop FillCropRect(int srcWidth, int srcHeight, int dstWidth, int dstHeight)
    {
        if (srcWidth <= 0 || srcHeight <= 0 || dstWidth <= 0 || dstHeight <= 0)
            throw new ArgumentOutOfRangeException(nameof(srcWidth), $"Sizes must be positive: {srcWidth}x{srcHeight} -> {dstWidth}x{dstHeight}.");
        double scale = Math.Max((double)dstWidth / srcWidth, (double)dstHeight / srcHeight);
        int scaledWidth = Math.Max(dstWidth, (int)Math.Round(srcWidth * scale));
        int scaledHeight = Math.Max(dstHeight, (int)Math.Round(srcHeight * scale));
        var crop = new PixelRect((scaledWidth - dstWidth) / 2, (scaledHeight - dstHeight) / 2, dstWidth, dstHeight);
        return new FillCrop(scale, scaledWidth, scaledHeight, crop);
    }

    /// <summary>Parses "81d4fa", "#81d4fa", "fff" or "#fff" (case-insensitive); anything else is refused naming bg_color.</summary>
    public static (byte R, byte G, byte B) ParseHexColor(string hex)
    {
        ReadOnlySpan<char> s = hex ?? "";
        if (s.Length > 0 && s[0] == '#') s = s[1..];
        if (s.Length == 6 && TryHex(s[0], s[1], out var r) && TryHex(s[2], s[3], out var g) && TryHex(s[4], s[5], out var b))
            return (r, g, b);
        if (s.Length == 3 && TryHex(s[0], s[0], out r) && TryHex(s[1], s[1], out g) && TryHex(s[2], s[2], out b))
            return (r, g, b);
        throw new CutoutException(CutoutErrorCode.InvalidOption,
            $"bg_color must be a hex colour such as 81d4fa, #81d4fa or fff; got \"{Shorten(hex)}\".");
    }

    /// <summary>Copies the <paramref name="rect"/> region of an interleaved RGB buffer.</summary>
    public static byte[] Crop(ReadOnlySpan<byte> rgb, int width, int height, PixelRect rect)
    {
        BufferChecks.Rgb(rgb.Length, width, height, nameof(rgb));
        CheckRect(rect, width, height);
        var result = new byte[rect.Width * rect.Height * 3];
        for (int y = 0; y < rect.Height; y++)
            rgb.Slice(((rect.Y + y) * width + rect.X) * 3, rect.Width * 3).CopyTo(result.AsSpan(y * rect.Width * 3));
        return result;
    }

    /// <summary>Copies the <paramref name="rect"/> region of an alpha buffer.</summary>
    public static float[] Crop(ReadOnlySpan<float> alpha, int width, int height, PixelRect rect)
    {
        BufferChecks.Alpha(alpha.Length, width, height, nameof(alpha));
        CheckRect(rect, width, height);
        var result = new float[rect.Width * rect.Height];
        for (int y = 0; y < rect.Height; y++)
            alpha.Slice((rect.Y + y) * width + rect.X, rect.Width).CopyTo(result.AsSpan(y * rect.Width));
        return result;
    }

    private static void CheckRect(PixelRect r, int width, int height)
    {
        if (r.Width <= 0 || r.Height <= 0 || r.X < 0 || r.Y < 0 || (long)r.X + r.Width > width || (long)r.Y + r.Height > height)
            throw new ArgumentOutOfRangeException(nameof(r), $"Crop {r} is empty or outside the {width}x{height} image.");
    }

    private static bool TryHex(char hi, char lo, out byte value)
    {
        int h = HexDigit(hi), l = HexDigit(lo);
        value = (byte)((h << 4) | l);
        return h >= 0 && l >= 0;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string Shorten(string? s) => s is null ? "" : s.Length <= 16 ? s : s[..16] + "…";

    internal static float Clamp01(float a) => a > 0f ? (a < 1f ? a : 1f) : 0f; // also maps NaN to 0

    internal static byte ToByte(float v) => v <= 0f ? (byte)0 : v >= 255f ? (byte)255 : (byte)(v + 0.5f);
}
