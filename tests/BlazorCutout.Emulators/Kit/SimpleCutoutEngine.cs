using System.Globalization;
using BlazorCutout.Engine;

namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// Fallback pixel maker for machines without the engine's assets: real PNGs of the source's size (read from the PNG/JPEG
/// header) with an elliptical "subject", honouring output kind, crop and background colour. It does not decode the source
/// and always encodes PNG (content type image/png even when JPG was asked for); prefer the real engine
/// (<see cref="PixelEngines.CreateDefault"/>).
/// </summary>
public sealed class SimpleCutoutEngine : ICutoutEngine
{
    public EngineLimits Limits { get; } = new(20L * 1024 * 1024, 4096, new HashSet<string> { "png", "jpeg" });

    public ImageProbe Probe(ReadOnlySpan<byte> image)
    {
        if (image.IsEmpty) throw new CutoutException(CutoutErrorCode.Empty, "The file is empty.");
        var size = Png.ReadSize(image) ?? throw new CutoutException(CutoutErrorCode.NotAnImage, "The file is not an image this engine can read.");
        if (size.Width <= 0 || size.Height <= 0) throw new CutoutException(CutoutErrorCode.CorruptImage, "The image header is corrupt.");
        return new ImageProbe(size.Format, size.Width, size.Height, image.Length);
    }

    public Task<CutoutResult> CutOutAsync(CutoutRequest request, CancellationToken cancellationToken = default)
    {
        var probe = Probe(request.Image.Span);
        var o = request.Options;
        int w = probe.Width, h = probe.Height;
        var rect = new PixelRect(w / 5, h / 5, Math.Max(1, w * 3 / 5), Math.Max(1, h * 3 / 5));
        var (ox, oy, ow, oh) = o.Crop ? (rect.X, rect.Y, rect.Width, rect.Height) : (0, 0, w, h);
        (byte R, byte G, byte B)? fill = o.BackgroundColor is { Length: 6 } hex
            ? (byte.Parse(hex[..2], NumberStyles.HexNumber), byte.Parse(hex[2..4], NumberStyles.HexNumber), byte.Parse(hex[4..], NumberStyles.HexNumber))
            : o.Format == OutputFormat.Jpg || o.BackgroundImage is not null ? (255, 255, 255) : null;

        var alpha = new byte[ow * oh];
        var image = new byte[ow * oh * (fill is null ? 4 : 3)];
        double cx = rect.X + rect.Width / 2.0, cy = rect.Y + rect.Height / 2.0, rx = rect.Width / 2.0, ry = rect.Height / 2.0;
        for (var y = 0; y < oh; y++)
        for (var x = 0; x < ow; x++)
        {
            double dx = (x + ox - cx) / rx, dy = (y + oy - cy) / ry;
            var a = dx * dx + dy * dy <= 1 ? (byte)255 : (byte)0;
            var i = y * ow + x;
            alpha[i] = a;
            byte r = (byte)(255 * x / Math.Max(1, ow)), g = 90, b = (byte)(255 * y / Math.Max(1, oh));
            if (fill is { } f)
            {
                image[i * 3] = a == 255 ? r : f.R;
                image[i * 3 + 1] = a == 255 ? g : f.G;
                image[i * 3 + 2] = a == 255 ? b : f.B;
            }
            else
            {
                image[i * 4] = r; image[i * 4 + 1] = g; image[i * 4 + 2] = b; image[i * 4 + 3] = a;
            }
        }
        var wantImage = o.Output != OutputKind.Mask;
        var wantMask = o.Output != OutputKind.Image;
        return Task.FromResult(new CutoutResult
        {
            Image = wantImage ? Png.Encode(image, ow, oh, fill is null ? 4 : 3) : null,
            ImageContentType = wantImage ? "image/png" : null,
            Mask = wantMask ? Png.Encode(alpha, ow, oh, 1) : null,
            Foreground = rect,
            SourceWidth = w, SourceHeight = h, Width = ow, Height = oh,
            Timings = new CutoutTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero),
        });
    }
}
