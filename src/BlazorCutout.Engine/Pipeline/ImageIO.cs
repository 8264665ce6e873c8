using System.Runtime.InteropServices;
using NetVips;

namespace BlazorCutout.Engine.Pipeline;

/// <summary>A decoded image: interleaved 8-bit sRGB, EXIF orientation applied.</summary>
internal sealed record RgbImage(byte[] Pixels, int Width, int Height);

/// <summary>
/// Header probing, decoding, resizing and encoding through libvips (NetVips). libvips' own error text never leaves
/// this class: every decoder failure becomes a <see cref="CutoutException"/> in our words, and the detail goes to the
/// log (<see cref="VipsDiagnostics"/>).
/// </summary>
internal static class ImageIO
{
    private static readonly object s_initLock = new();
    private static bool s_ready;

    /// <summary>Formats we decode. Others libvips knows (SVG, PDF, FITS...) are refused as unsupported.</summary>
    private static readonly (string Key, string Format)[] Supported =
    [
        ("jpeg", "jpeg"), ("png", "png"), ("webp", "webp"), ("tiff", "tiff"), ("gif", "gif"), ("heif", "heif"),
    ];

    public static IReadOnlySet<string> SupportedFormats { get; } = Supported.Select(s => s.Format).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Configures the process's libvips once (NetVips loads the library from its native package).</summary>
    public static void EnsureLoaded(EngineOptions cfg)
    {
        if (s_ready) return;
        lock (s_initLock)
        {
            if (s_ready) return;
            try
            {
                if (!ModuleInitializer.VipsInitialized)
                    throw ModuleInitializer.Exception ?? new InvalidOperationException("libvips did not initialise");
                VipsDiagnostics.CaptureLibvipsLog();
                Cache.Max = 0;                 // operations are not reused: do not keep images alive in the cache
                NetVips.NetVips.BlockUntrusted = true; // refuse loaders libvips marks as unfuzzed
                if (cfg.VipsConcurrency > 0) NetVips.NetVips.Concurrency = cfg.VipsConcurrency;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
                                          or TypeInitializationException or InvalidOperationException or VipsException)
            {
                throw new CutoutException(CutoutErrorCode.AssetCorrupt,
                    "The engine's image library (libvips, from the NetVips.Native package) could not be loaded; reinstall the app's packages.", e);
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
        var loader = FindLoader(data);
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
        try
        {
            // Random access opens the header only: no pixel is decoded here.
            using var img = Image.NewFromBuffer(data, access: Enums.Access.Random, failOn: Enums.FailOn.None);
            w = img.Width; h = img.Height;
            if (Orientation(img) is >= 5 and <= 8) (w, h) = (h, w);
        }
        catch (VipsException e)
        {
            throw VipsDiagnostics.DecoderFailure(e, CutoutErrorCode.CorruptImage,
                $"The {what} looks like {format.ToUpperInvariant()} but its header cannot be read: the file is damaged or is not really {format.ToUpperInvariant()}.");
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
        if (!IsJpeg(data)) return 1;
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
        if (FindLoader(span) is not { } loader) throw new CutoutException(CutoutErrorCode.NotAnImage, $"The {what} is not an image.");
        var extra = jpegShrink > 1 && loader.Contains("jpeg", StringComparison.OrdinalIgnoreCase) ? new VOption { { "shrink", jpegShrink } } : null;
        try
        {
            using var loaded = Image.NewFromBuffer(span, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated, kwargs: extra);
            using var rotated = loaded.Autorot();
            // Colour management as sharp (the peer) and browsers do it: an embedded profile (Adobe RGB, Display P3...)
            // is converted to sRGB; without one the pixels are taken as sRGB.
            using var srgb = ToSrgb(rotated);
            using var flat = srgb.HasAlpha() ? srgb.Flatten(background: [255, 255, 255]) : null;
            var current = flat ?? srgb;
            using var cast = current.Format != Enums.BandFormat.Uchar ? current.Cast(Enums.BandFormat.Uchar) : null;
            current = cast ?? current;
            using var extracted = current.Bands > 3 ? current.ExtractBand(0, n: 3) : null;
            current = extracted ?? current;
            int bands = current.Bands, n = checked(current.Width * current.Height);
            var pixels = GC.AllocateUninitializedArray<byte>(checked(n * 3));
            if (bands == 3) WriteToMemory(current, pixels);
            else
            {
                // 1 or 2 bands (grey, grey+alpha that colourspace left alone): replicate the first band.
                var grey = new byte[n * bands];
                WriteToMemory(current, grey);
                for (int i = 0; i < n; i++) pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = grey[i * bands];
            }
            return new RgbImage(pixels, current.Width, current.Height);
        }
        catch (VipsException e)
        {
            throw VipsDiagnostics.DecoderFailure(e, CutoutErrorCode.CorruptImage, $"The {what} is damaged or truncated and cannot be decoded.");
        }
    }

    /// <summary>
    /// Decodes to interleaved 8-bit sRGB plus alpha (opaque when the image has none), EXIF-rotated: a stored result as
    /// the touch-up brush edits it. Call <see cref="Probe"/> first.
    /// </summary>
    public static (byte[] Pixels, int Width, int Height) DecodeRgba(ReadOnlySpan<byte> data, string what)
    {
        if (FindLoader(data) is null) throw new CutoutException(CutoutErrorCode.NotAnImage, $"The {what} is not an image.");
        try
        {
            using var loaded = Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated);
            using var rotated = loaded.Autorot();
            using var srgb = ToSrgb(rotated);
            using var cast = srgb.Format != Enums.BandFormat.Uchar ? srgb.Cast(Enums.BandFormat.Uchar) : null;
            var current = cast ?? srgb;
            // Grey (+alpha) that colourspace left alone becomes RGB; an image without alpha is opaque.
            using var first = current.ExtractBand(0);
            using var colour = current.Bands >= 3 ? current.ExtractBand(0, n: 3) : first.Bandjoin(first, first);
            using var alpha = current.HasAlpha() ? current.ExtractBand(current.Bands - 1) : first.NewFromImage(255);
            using var rgba = colour.Bandjoin(alpha);
            var pixels = GC.AllocateUninitializedArray<byte>(checked(rgba.Width * rgba.Height * 4));
            WriteToMemory(rgba, pixels);
            return (pixels, rgba.Width, rgba.Height);
        }
        catch (VipsException e)
        {
            throw VipsDiagnostics.DecoderFailure(e, CutoutErrorCode.CorruptImage, $"The {what} is damaged or truncated and cannot be decoded.");
        }
    }

    /// <summary>
    /// The first band of a PNG as 8-bit values, without rotation or colour conversion (a browser canvas's export, where
    /// R = G = B): the touch-up edit. Anything but a PNG is refused.
    /// </summary>
    public static (byte[] Values, int Width, int Height) DecodePngPlane(ReadOnlySpan<byte> data, string what)
    {
        if (FindLoader(data) is not { } loader || !loader.Contains("png", StringComparison.OrdinalIgnoreCase))
            throw new CutoutException(CutoutErrorCode.NotAnImage, $"The {what} must be a PNG image.");
        try
        {
            using var loaded = Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated);
            using var band = loaded.ExtractBand(0);
            using var cast = band.Format != Enums.BandFormat.Uchar ? band.Cast(Enums.BandFormat.Uchar) : null;
            var plane = cast ?? band;
            var values = GC.AllocateUninitializedArray<byte>(checked(plane.Width * plane.Height));
            WriteToMemory(plane, values);
            return (values, plane.Width, plane.Height);
        }
        catch (VipsException e)
        {
            throw VipsDiagnostics.DecoderFailure(e, CutoutErrorCode.CorruptImage, $"The {what} is damaged or truncated and cannot be decoded.");
        }
    }

    /// <summary>
    /// WebP preview, long side at most <paramref name="maxSide"/> (never enlarged): JPEG shrink-on-load, EXIF rotation,
    /// sRGB, alpha kept. Call <see cref="Probe"/> first (it refuses formats and sizes the engine does not take).
    /// </summary>
    public static (byte[] Bytes, int Width, int Height) Thumbnail(ReadOnlySpan<byte> data, ImageProbe probe, int maxSide, int quality)
    {
        if (FindLoader(data) is null) throw new CutoutException(CutoutErrorCode.NotAnImage, "The image is not an image.");
        double scale = Math.Min(1.0, (double)maxSide / Math.Max(probe.Width, probe.Height));
        int tw = Math.Max(1, (int)Math.Ceiling(probe.Width * scale)), th = Math.Max(1, (int)Math.Ceiling(probe.Height * scale));
        int shrink = JpegShrinkFor(data, probe.Width, probe.Height, tw, th);
        var extra = shrink > 1 ? new VOption { { "shrink", shrink } } : null;
        try
        {
            using var loaded = Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.None, kwargs: extra);
            using var rotated = loaded.Autorot();
            // thumbnail_image: sRGB (via an embedded profile when there is one), premultiplied resampling of alpha.
            using var small = rotated.ThumbnailImage(maxSide, height: maxSide, size: Enums.Size.Down);
            var bytes = small.WebpsaveBuffer(q: quality, effort: 2, keep: Enums.ForeignKeep.None);
            return (bytes, small.Width, small.Height);
        }
        catch (VipsException e)
        {
            throw VipsDiagnostics.DecoderFailure(e, CutoutErrorCode.CorruptImage, "The image is damaged and cannot be decoded.");
        }
    }

    /// <summary>
    /// An embedded profile is honoured; a damaged one is ignored rather than failing the image (what sharp does too),
    /// and the pixels are then taken as sRGB.
    /// </summary>
    private static Image ToSrgb(Image image)
    {
        if (image.Contains("icc-profile-data"))
        {
            try
            {
                return image.IccTransform("srgb", embedded: true, intent: Enums.Intent.Perceptual);
            }
            catch (VipsException e)
            {
                VipsDiagnostics.Ignored(e, "a damaged ICC profile (pixels taken as sRGB)");
            }
        }
        return image.Colourspace(Enums.Interpretation.Srgb);
    }

    /// <summary>Decodes without flattening or band changes (8-bit), for inspecting results (tests, tools).</summary>
    public static (byte[] Pixels, int Width, int Height, int Bands) DecodeRaw(byte[] data)
    {
        if (FindLoader(data) is null) throw new CutoutException(CutoutErrorCode.NotAnImage, "not an image");
        using var img = Image.NewFromBuffer(data, failOn: Enums.FailOn.Truncated);
        using var cast = img.Format != Enums.BandFormat.Uchar ? img.Cast(Enums.BandFormat.Uchar) : null;
        var current = cast ?? img;
        var pixels = new byte[current.Width * current.Height * current.Bands];
        WriteToMemory(current, pixels);
        return (pixels, current.Width, current.Height, current.Bands);
    }

    /// <summary>Resizes interleaved 8-bit pixels to exactly <paramref name="w"/> x <paramref name="h"/>.</summary>
    public static byte[] Resize(byte[] pixels, int width, int height, int bands, int w, int h)
    {
        using var src = Image.NewFromMemory<byte>(pixels.AsMemory(), width, height, bands, Enums.BandFormat.Uchar);
        var result = new byte[checked(w * h * bands)];
        ResizeImage(src, width, height, w, h, MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
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
        using var src = Image.NewFromMemory<float>(plane.AsMemory(), width, height, 1, Enums.BandFormat.Float);
        var result = new float[checked(w * h)];
        ResizeImage(src, width, height, w, h, MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    private static void ResizeImage(Image src, int width, int height, int w, int h, Span<byte> destination)
    {
        if (w == width && h == height)
        {
            WriteToMemory(src, destination);
            return;
        }
        using var resized = src.Resize((double)w / width, vscale: (double)h / height);
        // resize rounds the output size; pad or trim by at most a pixel so callers get exactly w x h.
        using var exact = resized.Width != w || resized.Height != h
            ? resized.Embed(0, 0, w, h, extend: Enums.Extend.Copy)
            : null;
        WriteToMemory(exact ?? resized, destination);
    }

    public static byte[] EncodeImage(byte[] pixels, int width, int height, int bands, OutputFormat format, EngineOptions cfg)
    {
        if (format == OutputFormat.Png)
            return EncodePng(width, height, bands, (y, row) => pixels.AsSpan(y * width * bands, width * bands).CopyTo(row), cfg);
        using var img = Image.NewFromMemory<byte>(pixels.AsMemory(), width, height, bands, Enums.BandFormat.Uchar);
        return format switch
        {
            OutputFormat.Jpg => img.JpegsaveBuffer(q: cfg.JpegQuality, keep: Enums.ForeignKeep.None),
            OutputFormat.Webp => img.WebpsaveBuffer(q: cfg.WebpQuality, effort: 2, keep: Enums.ForeignKeep.None),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    /// <summary>Computes the image straight into <paramref name="destination"/>'s size (libvips' buffer, copied once, freed).</summary>
    private static unsafe void WriteToMemory(Image img, Span<byte> destination)
    {
        var p = img.WriteToMemory(out ulong size);
        try
        {
            if ((long)size != destination.Length) throw new InvalidOperationException($"unexpected image size {size}, wanted {destination.Length}");
            new ReadOnlySpan<byte>((void*)p, destination.Length).CopyTo(destination);
        }
        finally { NetVips.NetVips.Free(p); }
    }

    /// <summary>The loader libvips picks from the first bytes, e.g. "VipsForeignLoadJpegBuffer"; null when none.</summary>
    private static string? FindLoader(ReadOnlySpan<byte> data) => Image.FindLoadBuffer(data);

    private static bool IsJpeg(ReadOnlySpan<byte> data) => FindLoader(data) is { } l && l.Contains("jpeg", StringComparison.OrdinalIgnoreCase);

    private static int Orientation(Image img) =>
        img.Contains("orientation") && img.Get("orientation") is int o && o is >= 1 and <= 8 ? o : 1;

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
}
