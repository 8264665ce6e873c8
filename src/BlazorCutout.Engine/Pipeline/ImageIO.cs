using BlazorCutout.Engine.Native;

namespace BlazorCutout.Engine.Pipeline;

/// <summary>A decoded image: interleaved 8-bit sRGB, EXIF orientation applied.</summary>
internal sealed record RgbImage(byte[] Pixels, int Width, int Height);

/// <summary>Header probing, decoding, resizing and encoding through libvips.</summary>
internal static unsafe class ImageIO
{
    private static readonly object s_initLock = new();
    private static bool s_ready;

    /// <summary>Formats we decode. Others libvips knows (SVG, PDF, FITS...) are refused as unsupported.</summary>
    private static readonly (string Key, string Format)[] Supported =
    [
        ("jpeg", "jpeg"), ("png", "png"), ("webp", "webp"), ("tiff", "tiff"), ("gif", "gif"), ("heif", "heif"),
    ];

    public static IReadOnlySet<string> SupportedFormats { get; } = Supported.Select(s => s.Format).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static void EnsureLoaded(EngineOptions cfg)
    {
        if (s_ready) return;
        lock (s_initLock)
        {
            if (s_ready) return;
            var lib = Path.Combine(cfg.AssetsDirectory, EngineAssets.VipsLibrary);
            EngineAssets.Check(lib, EngineAssets.VipsLibrarySha256, cfg.VerifyAssetChecksums, "libvips library");
            try
            {
                Vips.Initialise(lib, cfg.VipsConcurrency);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or VipsException)
            {
                throw new CutoutException(CutoutErrorCode.AssetCorrupt, $"The engine's libvips library could not be loaded: {lib} ({e.Message}).", e);
            }
            s_ready = true;
        }
    }

    /// <summary>Header-only checks: size, kind, dimensions (after EXIF rotation). Nothing is decoded.</summary>
    public static ImageProbe Probe(ReadOnlySpan<byte> data, EngineOptions cfg, string what = "image")
    {
        if (data.Length == 0) throw new CutoutException(CutoutErrorCode.Empty, $"The {what} is empty (0 bytes).");
        if (data.Length > cfg.MaxBytes)
            throw new CutoutException(CutoutErrorCode.FileTooLarge,
                $"The {what} is {Mb(data.Length)}; the limit is {Mb(cfg.MaxBytes)}.");
        var loader = Vips.FindLoader(data);
        var format = loader is null ? null : FormatOf(loader);
        if (format is null)
        {
            var known = Sniff(data) ?? (loader is null ? null : loader.Replace("VipsForeignLoad", "").Replace("Buffer", "").ToLowerInvariant());
            if (known is not null)
                throw new CutoutException(CutoutErrorCode.UnsupportedFormat,
                    $"The {what} is {known.ToUpperInvariant()}, which is not supported; use JPEG, PNG, WebP, TIFF, GIF or HEIF/AVIF.");
            throw new CutoutException(CutoutErrorCode.NotAnImage,
                $"The {(what == "image" ? "file" : what)} is not an image this engine recognises (JPEG, PNG, WebP, TIFF, GIF, HEIF/AVIF).");
        }

        int w, h;
        fixed (byte* p = data)
        {
            VipsImage img;
            try
            {
                img = Vips.LoadBuffer(loader!, p, data.Length, sequential: false, failOnTruncated: false);
            }
            catch (VipsException e)
            {
                throw new CutoutException(CutoutErrorCode.CorruptImage, $"The {what} looks like {format.ToUpperInvariant()} but its header cannot be read ({Short(e.Message)}).", e);
            }
            using (img)
            {
                w = img.Width; h = img.Height;
                if (img.Orientation is >= 5 and <= 8) (w, h) = (h, w);
            }
        }
        if (w <= 0 || h <= 0)
            throw new CutoutException(CutoutErrorCode.CorruptImage, $"The {what} has no pixels ({w}x{h}).");
        if (w > cfg.MaxPixelsPerSide || h > cfg.MaxPixelsPerSide)
            throw new CutoutException(CutoutErrorCode.TooManyPixels,
                $"The {what} is {w}x{h} pixels; the limit is {cfg.MaxPixelsPerSide}x{cfg.MaxPixelsPerSide}.");
        return new ImageProbe(format, w, h, data.Length);
    }

    /// <summary>
    /// Largest JPEG shrink-on-load factor (libjpeg scales by 1/2, 1/4, 1/8 in the DCT, much faster than a full
    /// decode) that still leaves at least <paramref name="minWidth"/> x <paramref name="minHeight"/> pixels; 1 when
    /// the image is not a JPEG or no factor fits.
    /// </summary>
    public static int JpegShrinkFor(ReadOnlySpan<byte> data, int width, int height, int minWidth, int minHeight)
    {
        if (Vips.FindLoader(data) is not { } loader || !loader.Contains("jpeg", StringComparison.OrdinalIgnoreCase)) return 1;
        int shrink = 1;
        // width / s rounded down, so a partial last DCT block can't make the result smaller than asked for
        while (shrink < 8 && width / (shrink * 2) >= minWidth && height / (shrink * 2) >= minHeight) shrink *= 2;
        return shrink;
    }

    /// <summary>
    /// Decodes to 8-bit sRGB, EXIF-rotated, alpha flattened onto white. Call <see cref="Probe"/> first.
    /// <paramref name="jpegShrink"/> (1, 2, 4 or 8; JPEG only, see <see cref="JpegShrinkFor"/>) decodes at that
    /// fraction of the size.
    /// </summary>
    public static RgbImage Decode(ReadOnlyMemory<byte> data, string what = "image", int jpegShrink = 1)
    {
        var span = data.Span;
        var loader = Vips.FindLoader(span) ?? throw new CutoutException(CutoutErrorCode.NotAnImage, $"The {what} is not an image.");
        (string, object)[] extra = jpegShrink > 1 && loader.Contains("jpeg", StringComparison.OrdinalIgnoreCase) ? [("shrink", jpegShrink)] : [];
        // libvips borrows the encoded bytes: they stay pinned (fixed) until the pixels have been copied out.
        fixed (byte* p = span)
        {
            try
            {
                using var loaded = Vips.LoadBuffer(loader, p, span.Length, sequential: true, failOnTruncated: true, extra);
                using var rotated = loaded.Op("autorot");
                // Colour management as sharp (the peer) and browsers do it: an embedded profile (Adobe RGB, Display P3...)
                // is converted to sRGB; without one the pixels are taken as sRGB.
                using var srgb = ToSrgb(rotated);
                using var flat = srgb.HasAlpha ? srgb.Op("flatten", ("background", new double[] { 255, 255, 255 })) : null;
                var current = flat ?? srgb;
                using var cast = current.Format != 0 ? current.Op("cast", ("format", "uchar")) : null;
                current = cast ?? current;
                using var extracted = current.Bands > 3 ? current.Op("extract_band", ("band", 0), ("n", 3)) : null;
                current = extracted ?? current;
                int bands = current.Bands, n = checked(current.Width * current.Height);
                var pixels = GC.AllocateUninitializedArray<byte>(checked(n * 3));
                if (bands == 3) Vips.WriteToMemory(current.Handle, pixels);
                else
                {
                    // 1 or 2 bands (grey, grey+alpha that colourspace left alone): replicate the first band.
                    var grey = new byte[n * bands];
                    Vips.WriteToMemory(current.Handle, grey);
                    for (int i = 0; i < n; i++) pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = grey[i * bands];
                }
                return new RgbImage(pixels, current.Width, current.Height);
            }
            catch (VipsException e)
            {
                throw new CutoutException(CutoutErrorCode.CorruptImage, $"The {what} is damaged or truncated and cannot be decoded ({Short(e.Message)}).", e);
            }
        }
    }

    /// <summary>
    /// WebP preview, long side at most <paramref name="maxSide"/> (never enlarged): JPEG shrink-on-load, EXIF rotation,
    /// sRGB, alpha kept. Call <see cref="Probe"/> first (it refuses formats and sizes the engine does not take).
    /// </summary>
    public static (byte[] Bytes, int Width, int Height) Thumbnail(ReadOnlySpan<byte> data, ImageProbe probe, int maxSide, int quality)
    {
        var loader = Vips.FindLoader(data) ?? throw new CutoutException(CutoutErrorCode.NotAnImage, "The image is not an image.");
        double scale = Math.Min(1.0, (double)maxSide / Math.Max(probe.Width, probe.Height));
        int tw = Math.Max(1, (int)Math.Ceiling(probe.Width * scale)), th = Math.Max(1, (int)Math.Ceiling(probe.Height * scale));
        int shrink = JpegShrinkFor(data, probe.Width, probe.Height, tw, th);
        (string, object)[] extra = shrink > 1 ? [("shrink", shrink)] : [];
        fixed (byte* p = data)
        {
            try
            {
                using var loaded = Vips.LoadBuffer(loader, p, data.Length, sequential: true, failOnTruncated: false, extra);
                using var rotated = loaded.Op("autorot");
                // thumbnail_image: sRGB (via an embedded profile when there is one), premultiplied resampling of alpha.
                using var small = rotated.Op("thumbnail_image", ("width", maxSide), ("height", maxSide), ("size", "down"));
                var bytes = small.Save("webpsave_buffer", ("Q", quality), ("effort", 2), ("strip", true));
                return (bytes, small.Width, small.Height);
            }
            catch (VipsException e)
            {
                throw new CutoutException(CutoutErrorCode.CorruptImage, $"The image is damaged and cannot be decoded ({Short(e.Message)}).", e);
            }
        }
    }

    /// <summary>
    /// An embedded profile is honoured; a damaged one is ignored rather than failing the image (what sharp does too),
    /// and the pixels are then taken as sRGB.
    /// </summary>
    private static VipsImage ToSrgb(VipsImage image)
    {
        if (image.HasIccProfile)
        {
            try
            {
                return image.Op("icc_transform", ("output_profile", "srgb"), ("embedded", true), ("intent", "perceptual"));
            }
            catch (VipsException)
            {
            }
        }
        return image.Op("colourspace", ("space", "srgb"));
    }

    /// <summary>Decodes without flattening or band changes (8-bit), for inspecting results (tests, tools).</summary>
    public static (byte[] Pixels, int Width, int Height, int Bands) DecodeRaw(byte[] data)
    {
        var loader = Vips.FindLoader(data) ?? throw new CutoutException(CutoutErrorCode.NotAnImage, "not an image");
        fixed (byte* p = data)
        {
            using var img = Vips.LoadBuffer(loader, p, data.Length, sequential: false, failOnTruncated: true);
            using var cast = img.Format != 0 ? img.Op("cast", ("format", "uchar")) : null;
            var current = cast ?? img;
            var pixels = new byte[current.Width * current.Height * current.Bands];
            Vips.WriteToMemory(current.Handle, pixels);
            return (pixels, current.Width, current.Height, current.Bands);
        }
    }

    /// <summary>Resizes interleaved 8-bit pixels to exactly <paramref name="w"/> x <paramref name="h"/>.</summary>
    public static byte[] Resize(byte[] pixels, int width, int height, int bands, int w, int h)
    {
        fixed (byte* p = pixels)
        {
            using var src = Vips.FromMemory(p, pixels.Length, width, height, bands, 0);
            return ResizeImage(src, width, height, w, h, bands, sizeof(byte));
        }
    }

    /// <summary>
    /// The model input: 3-band 8-bit pixels to exactly <paramref name="w"/> x <paramref name="h"/> by bilinear interpolation
    /// with pixel centres aligned and no antialiasing, i.e. PyTorch's F.interpolate(mode="bilinear", align_corners=False),
    /// which is how ISNet's training and reference inference resize (there followed by truncation; here rounded).
    /// </summary>
    public static byte[] ResizeBilinearCentres(byte[] src, int sw, int sh, int w, int h)
    {
        var dst = GC.AllocateUninitializedArray<byte>(checked(w * h * 3));
        var xa = new int[w];
        var xb = new int[w];
        var xt = new float[w];
        float sx = (float)sw / w, sy = (float)sh / h;
        for (int x = 0; x < w; x++)
        {
            float fx = Math.Max((x + 0.5f) * sx - 0.5f, 0);
            int x0 = Math.Min((int)fx, sw - 1);
            xa[x] = 3 * x0;
            xb[x] = 3 * (x0 < sw - 1 ? x0 + 1 : x0);
            xt[x] = fx - x0;
        }
        int parts = Math.Max(1, Math.Min(Environment.ProcessorCount, h / 64));
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            int ya = (int)((long)h * part / parts), yb = (int)((long)h * (part + 1) / parts);
            for (int y = ya; y < yb; y++)
            {
                float fy = Math.Max((y + 0.5f) * sy - 0.5f, 0);
                int y0 = Math.Min((int)fy, sh - 1), y1 = y0 < sh - 1 ? y0 + 1 : y0;
                float ty = fy - y0;
                int r0 = y0 * sw * 3, r1 = y1 * sw * 3, o = y * w * 3;
                for (int x = 0; x < w; x++)
                {
                    int a = xa[x], b = xb[x];
                    float tx = xt[x];
                    for (int c = 0; c < 3; c++)
                    {
                        float top = src[r0 + a + c] + (src[r0 + b + c] - src[r0 + a + c]) * tx;
                        float bottom = src[r1 + a + c] + (src[r1 + b + c] - src[r1 + a + c]) * tx;
                        dst[o + 3 * x + c] = (byte)(top + (bottom - top) * ty + 0.5f);
                    }
                }
            }
        });
        return dst;
    }

    /// <summary>Resizes a float plane (e.g. a matte) to exactly <paramref name="w"/> x <paramref name="h"/>.</summary>
    public static float[] Resize(float[] plane, int width, int height, int w, int h)
    {
        fixed (float* p = plane)
        {
            using var src = Vips.FromMemory((byte*)p, plane.Length * sizeof(float), width, height, 1, 6 /* FLOAT */);
            var bytes = ResizeImage(src, width, height, w, h, 1, sizeof(float));
            var result = new float[w * h];
            Buffer.BlockCopy(bytes, 0, result, 0, bytes.Length);
            return result;
        }
    }

    private static byte[] ResizeImage(VipsImage src, int width, int height, int w, int h, int bands, int elementSize)
    {
        if (w == width && h == height)
        {
            var same = new byte[w * h * bands * elementSize];
            Vips.WriteToMemory(src.Handle, same);
            return same;
        }
        using var resized = src.Op("resize", ("scale", (double)w / width), ("vscale", (double)h / height));
        // resize rounds the output size; pad or trim by at most a pixel so callers get exactly w x h.
        using var exact = resized.Width != w || resized.Height != h
            ? resized.Op("embed", ("x", 0), ("y", 0), ("width", w), ("height", h), ("extend", "copy"))
            : null;
        var img = exact ?? resized;
        var result = new byte[w * h * bands * elementSize];
        Vips.WriteToMemory(img.Handle, result);
        return result;
    }

    public static byte[] EncodeImage(byte[] pixels, int width, int height, int bands, OutputFormat format, EngineOptions cfg)
    {
        if (format == OutputFormat.Png)
            return EncodePng(width, height, bands, (y, row) => pixels.AsSpan(y * width * bands, width * bands).CopyTo(row), cfg);
        fixed (byte* p = pixels)
        {
            using var img = Vips.FromMemory(p, pixels.Length, width, height, bands, 0);
            return format switch
            {
                OutputFormat.Png => img.Save("pngsave_buffer", ("compression", cfg.PngCompression), ("filter", "none")),
                OutputFormat.Jpg => img.Save("jpegsave_buffer", ("Q", cfg.JpegQuality), ("strip", true)),
                OutputFormat.Webp => img.Save("webpsave_buffer", ("Q", cfg.WebpQuality), ("effort", 2), ("strip", true)),
                _ => throw new ArgumentOutOfRangeException(nameof(format)),
            };
        }
    }

    /// <summary>PNG from rows produced on demand (by the parallel encoder's threads); zlib level = PngCompression.</summary>
    public static byte[] EncodePng(int width, int height, int bands, PngRowSource rows, EngineOptions cfg)
        => PngWriter.Encode(width, height, bands, rows, Math.Clamp(cfg.PngCompression, 0, 9));

    public static string ContentType(OutputFormat f) => f switch
    {
        OutputFormat.Png => "image/png",
        OutputFormat.Jpg => "image/jpeg",
        OutputFormat.Webp => "image/webp",
        _ => "application/octet-stream",
    };

    private static string? FormatOf(string loader)
    {
        var l = loader.ToLowerInvariant();
        foreach (var (key, format) in Supported)
            if (l.Contains(key)) return format;
        return null;
    }

    /// <summary>Names formats that libvips (as built by sharp) does not read, so the refusal can say what it was.</summary>
    private static string? Sniff(ReadOnlySpan<byte> d)
    {
        if (d.StartsWith("BM"u8)) return "bmp";
        if (d.StartsWith("%PDF"u8)) return "pdf";
        if (d.StartsWith("8BPS"u8)) return "psd";
        if (d.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0])) return "ico";
        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || d.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20])) return "jpeg xl";
        if (d.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, 0x6A, 0x50])) return "jpeg 2000";
        if (d.StartsWith("<?xml"u8) || d.StartsWith("<svg"u8)) return "svg";
        if (d.StartsWith("GIF8"u8)) return "gif";
        if (d.Length > 2 && d[0] == 0x59 && d[1] == 0xA6) return "sun raster";
        return null;
    }

    private static string Mb(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB" : $"{bytes} bytes";

    private static string Short(string s)
    {
        s = s.ReplaceLineEndings(" ").Trim();
        return s.Length > 200 ? s[..200] + "..." : s;
    }
}
