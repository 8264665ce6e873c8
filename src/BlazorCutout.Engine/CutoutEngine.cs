using System.Diagnostics;
using BlazorCutout.Engine.Pipeline;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Engine;

/// <summary>
/// The local cutout engine: libvips (NetVips) for image I/O, ONNX Runtime (ISNet) for the matte, managed maths for point
/// refinement, mask options and foreground colour estimation. Thread-safe; one instance per process (it owns the
/// model session, loaded lazily on first use). Requests beyond <see cref="EngineOptions.MaxConcurrency"/> wait in a
/// bounded queue; beyond <see cref="EngineOptions.MaxQueue"/> waiting they are refused with <see cref="CutoutErrorCode.Busy"/>.
/// </summary>
public sealed class CutoutEngine : ICutoutEngine, IImageThumbnailer, IResultEditor, IDisposable
{
    /// <summary>Alpha at or above this is treated as opaque (no colour estimation needed).</summary>
    private const float Opaque = 254.5f / 255f;

    private readonly EngineOptions _cfg;
    private readonly SemaphoreSlim _slots;
    private readonly object _sessionLock = new();
    private Segmenter? _segmenter;
    private int _arenaReleases;
    private readonly IdleWork _idleTrim, _idleArenaRelease;
    private int _waiting;
    private readonly MatteCache _matteCache;
    private bool _disposed;

    /// <param name="logger">Receives libvips' messages and the detail of images refused as damaged (users get our words only).</param>
    public CutoutEngine(EngineOptions? options = null, ILogger<CutoutEngine>? logger = null)
    {
        _cfg = options ?? new EngineOptions();
        VipsDiagnostics.UseLogger(logger);
        _cfg.Validate();
        _slots = new SemaphoreSlim(_cfg.MaxConcurrency, _cfg.MaxConcurrency);
        _matteCache = new MatteCache(_cfg.MatteCacheEntries);
        if (_cfg.TrimNativeMemory) Native.NativeMemory.LimitArenas(2);
        _idleTrim = new IdleWork(_cfg.TrimNativeMemory ? IdleReleaseDelay : TimeSpan.Zero, _slots, 1, () => _disposed, ReleaseBuffers);
        _idleArenaRelease = new IdleWork(_cfg.UseMemoryArena ? _cfg.ArenaIdleRelease : TimeSpan.Zero, _slots, _cfg.MaxConcurrency, () => _disposed, ReleaseArena);
    }

    public EngineOptions Options => _cfg;

    public EngineLimits Limits => new(_cfg.MaxBytes, _cfg.MaxPixelsPerSide, ImageIO.SupportedFormats);

    /// <summary>ONNX Runtime version once the model is loaded.</summary>
    public string? RuntimeVersion => _segmenter?.RuntimeVersion;

    /// <summary>How many times the memory arena was given back after <see cref="EngineOptions.ArenaIdleRelease"/> without a request.</summary>
    public int ArenaReleases => Volatile.Read(ref _arenaReleases);

    /// <summary>Loads libvips, ONNX Runtime and the model now instead of on the first request (checks the model file).</summary>
    public void Warmup()
    {
        ImageIO.EnsureLoaded(_cfg);
        GetSegmenter();
    }

    public ImageProbe Probe(ReadOnlySpan<byte> image)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ImageIO.EnsureLoaded(_cfg);
        return ImageIO.Probe(image, _cfg);
    }

    public ImageThumbnail Thumbnail(ReadOnlySpan<byte> image, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ImageIO.EnsureLoaded(_cfg);
        var probe = ImageIO.Probe(image, _cfg);
        var (bytes, w, h) = ImageIO.Thumbnail(image, probe, maxSide, _cfg.ThumbnailQuality);
        return new ImageThumbnail(bytes, "image/webp", w, h);
    }

    public EditedResult ApplyEdit(ReadOnlySpan<byte> source, ReadOnlySpan<byte> result, ReadOnlySpan<byte> edit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ImageIO.EnsureLoaded(_cfg);
        return EditComposer.Apply(source, result, edit, _cfg);
    }

    public async Task<CutoutResult> CutOutAsync(CutoutRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var total = Stopwatch.StartNew();
        var options = request.Options ?? new CutoutOptions();
        var plan = Validate(options);
        ImageIO.EnsureLoaded(_cfg);
        var probe = ImageIO.Probe(request.Image.Span, _cfg);
        if (options.BackgroundImage is { Length: > 0 } bg) ImageIO.Probe(bg.Span, _cfg, "background image");

        if (Interlocked.Increment(ref _waiting) > _cfg.MaxQueue + _cfg.MaxConcurrency)
        {
            Interlocked.Decrement(ref _waiting);
            throw new CutoutException(CutoutErrorCode.Busy, "The cutout engine is busy; try again in a moment.");
        }
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                // The work is CPU-bound native code; run it off the caller's context.
                return await Task.Run(() =>
                {
                    try { return Process(request.Image, options, plan, probe, total, request.Progress, cancellationToken); }
                    finally
                    {
                        // Large managed buffers (the decoded image, matte, output) go now, so garbage does not pile up
                        // between back-to-back requests (~5 ms); glibc's free lists are trimmed once idle.
                        if (_cfg.TrimNativeMemory && (long)probe.Width * probe.Height >= 2_000_000)
                            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
                        _idleTrim.Restart();
                        _idleArenaRelease.Restart();
                    }
                }, cancellationToken).ConfigureAwait(false);
            }
            finally { _slots.Release(); }
        }
        finally { Interlocked.Decrement(ref _waiting); }
    }

    /// <summary>
    /// Once the engine has been idle for <see cref="IdleReleaseDelay"/>, give the last requests' buffers back (managed
    /// LOH garbage, then glibc's free lists). Not after every request: malloc_trim of a 12 MP request's freed memory
    /// costs ~50 ms, and the next request then page-faults the same memory back in; back-to-back requests reuse it.
    /// </summary>
    private void ReleaseBuffers()
    {
        var sw = Stopwatch.StartNew();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        Native.NativeMemory.Trim();
        StepTrace.Note($"idle release {sw.Elapsed.TotalMilliseconds:0} ms");
    }

    /// <summary>Idle time after the last request before its memory is released (see <see cref="ReleaseBuffers"/>).</summary>
    internal static readonly TimeSpan IdleReleaseDelay = TimeSpan.FromMilliseconds(750);

    private sealed record Plan((byte R, byte G, byte B)? Color);

    private static Plan Validate(CutoutOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.TextPrompt))
            throw new CutoutException(CutoutErrorCode.TextPromptUnsupported,
                "The local engine cannot segment by text prompt (it has no text-grounding model); use points or a provider that supports prompts.");
        if (!Enum.IsDefined(o.Output)) throw Invalid($"output_type must be 1 (image and mask), 2 (image) or 3 (mask); got {(int)o.Output}.");
        if (!Enum.IsDefined(o.Format)) throw Invalid($"format must be png, jpg or webp; got {(int)o.Format}.");
        if (!Enum.IsDefined(o.Type)) throw Invalid($"type must be auto, person, object or stamp; got {(int)o.Type}.");
        if (o.CropMargin is < 0 or > 4096) throw Invalid($"Crop margin must be 0..4096 pixels; got {o.CropMargin}.");
        ImagingOps.ValidateMask(o.Mask ?? new MaskOptions());
        // An empty BackgroundImage counts as none: `cond ? null : bytes` silently converts null to an empty
        // ReadOnlyMemory (via the implicit array conversion), so callers produce it by accident.
        if (o.BackgroundImage is { Length: > 0 } && !string.IsNullOrEmpty(o.BackgroundColor))
            throw Invalid("bg_color and a background image cannot be combined; give one of them.");
        const int maxPoints = 64;
        if (o.PositivePoints.Count + o.NegativePoints.Count > maxPoints) throw Invalid($"At most {maxPoints} points are accepted.");
        foreach (var (p, kind) in o.PositivePoints.Select(p => (p, "positive")).Concat(o.NegativePoints.Select(p => (p, "negative"))))
            if (!(p.X >= 0 && p.X <= 1 && p.Y >= 0 && p.Y <= 1))
                throw Invalid($"Point coordinates are normalised 0..1 (x right, y down); got {kind} point ({p.X}, {p.Y}).");
        (byte, byte, byte)? color = string.IsNullOrEmpty(o.BackgroundColor) ? null : ImagingOps.ParseColor(o.BackgroundColor);
        return new Plan(color);
    }

    private static CutoutException Invalid(string message) => new(CutoutErrorCode.InvalidOption, message);

    private Segmenter GetSegmenter()
    {
        if (_segmenter is { } s) return s;
        lock (_sessionLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Not Lazy<T>: a failure (missing asset) is not cached, so fixing the files and retrying works.
            return _segmenter ??= new Segmenter(_cfg);
        }
    }

    /// <summary>
    /// Once no request has come for <see cref="EngineOptions.ArenaIdleRelease"/>, gives the memory arena's memory back
    /// (<c>Segmenter.ReleaseArena</c>): an idle studio then holds the model, not the last request's tensors. It runs
    /// holding every slot, so no request is running; one that comes meanwhile waits the second this takes.
    /// </summary>
    private void ReleaseArena()
    {
        var sw = Stopwatch.StartNew();
        try
        {
            lock (_sessionLock)
            {
                if (_disposed || _segmenter is not { } loaded) return;
                loaded.ReleaseArena();
            }
            Native.NativeMemory.Trim();
            Interlocked.Increment(ref _arenaReleases);
            StepTrace.Note($"arena released after idle {sw.Elapsed.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException)
        {
            StepTrace.Note($"arena release failed: {e.Message}"); // memory stays held; requests are unaffected
        }
    }

    private CutoutResult Process(ReadOnlyMemory<byte> encoded, CutoutOptions o, Plan plan, ImageProbe probe, Stopwatch total,
        IProgress<CutoutProgress>? progress, CancellationToken ct)
    {
        progress?.Report(CutoutProgress.Of(CutoutStage.Decode));
        var segmenter = GetSegmenter();
        var trace = new StepTrace();
        var sw = Stopwatch.StartNew();

        // 1. Working resolution (long side <= WorkingMaxSide) from the header's size (EXIF rotation applied).
        int W = probe.Width, H = probe.Height;
        double ws = Math.Min(1.0, (double)_cfg.WorkingMaxSide / Math.Max(W, H));
        int ww = Math.Max(1, (int)Math.Round(W * ws)), wh = Math.Max(1, (int)Math.Round(H * ws));
        bool full = ww == W && wh == H;
        // A large JPEG is decoded twice: shrunk on load (in the DCT, several times faster) for the working copy and the
        // model input, and at full resolution for the output on another thread, overlapping the model input and
        // inference; the full-resolution pixels are first needed after inference.
        int shrink = full ? 1 : ImageIO.JpegShrinkFor(encoded.Span, W, H, ww, wh);
        RgbImage? src = null;
        Task<RgbImage>? fullDecode = null;
        byte[] work;
        try
        {
            if (shrink > 1)
            {
                fullDecode = Task.Run(() => ImageIO.Decode(encoded));
                var small = ImageIO.Decode(encoded, jpegShrink: shrink);
                trace.Mark("decode (shrink-on-load)");
                work = small.Width == ww && small.Height == wh ? small.Pixels : ImageIO.Resize(small.Pixels, small.Width, small.Height, 3, ww, wh);
            }
            else
            {
                src = ImageIO.Decode(encoded);
                if (src.Width != W || src.Height != H) throw SizeMismatch(src, probe);
                trace.Mark("decode");
                work = full ? src.Pixels : ImageIO.Resize(src.Pixels, W, H, 3, ww, wh);
            }
            trace.Mark("resize to working");

            // 2. Model input: N x N, planar, normalised.
            int n = segmenter.InputSize;
            var input = ImageIO.ResizeBilinearCentres(work, ww, wh, n, n);
            var tensor = GC.AllocateUninitializedArray<float>(3 * n * n, pinned: true);
            Normalise(input, tensor, n * n);
            trace.Mark("model input");
            var decode = sw.Elapsed;
            ct.ThrowIfCancellationRequested();

            // 3. Inference (or the matte of the same bytes from a recent request: point clicks re-submit the same image).
            sw.Restart();
            progress?.Report(CutoutProgress.Of(CutoutStage.Inference));
            var key = _cfg.MatteCacheEntries > 0 ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(encoded.Span)) : null;
            var matte = key is not null && _matteCache.TryGet(key) is { } cached ? (float[])cached.Clone() : null;
            if (matte is null)
            {
                matte = segmenter.Run(tensor);
                if (key is not null) _matteCache.Add(key, (float[])matte.Clone());
            }
            var inference = sw.Elapsed;
            trace.Mark("inference");
            progress?.Report(CutoutProgress.Of(CutoutStage.Refinement));
            sw.Restart();
            if (src is null)
            {
                src = fullDecode!.GetAwaiter().GetResult();
                fullDecode = null;
                if (src.Width != W || src.Height != H) throw SizeMismatch(src, probe);
                trace.Mark("full-res decode (wait)");
            }
            if (_cfg.NormalizeOutputMinMax) MinMax(matte);
            else Clamp01(matte);

            // 4. Matte at working resolution; point refinement there (it works on a <= 512 px copy anyway).
            var alphaWork = ImageIO.Resize(matte, n, n, ww, wh);
            Clamp01(alphaWork);
            if (o.PositivePoints.Count + o.NegativePoints.Count > 0)
                alphaWork = ImagingOps.Refine(work, alphaWork, ww, wh, o.PositivePoints, o.NegativePoints);
            trace.Mark("matte + refinement");

            // 5. Matte at full resolution as bytes (libvips upsamples); the mask options run on floats in source pixels.
            var alpha = full ? ToBytes(alphaWork) : MatteUpsampler.Bilinear(alphaWork, ww, wh, W, H);
            var mask = o.Mask ?? new MaskOptions();
            if (!ImagingOps.IsDefault(mask))
            {
                var f = new float[alpha.Length];
                for (int i = 0; i < f.Length; i++) f[i] = alpha[i] * (1f / 255f);
                alpha = ToBytes(ImagingOps.PostProcessMask(f, W, H, mask));
            }
            trace.Mark("full-res matte");
            ct.ThrowIfCancellationRequested();

            // 6. Subject rectangle and crop.
            var fgRect = ByteBounds(alpha, W, H, 128);
            var rect = new PixelRect(0, 0, W, H);
            if (o.Crop && fgRect.Width > 0) rect = ImagingOps.WithMargin(fgRect, o.CropMargin, W, H);

            // 7. Output pixels.
            byte[]? image = null, maskPng = null;
            TimeSpan encodeTime = TimeSpan.Zero, post;
            if (o.Output != OutputKind.Mask)
            {
                // Foreground colour is estimated at working resolution (only the soft band changes); at full resolution the
                // band pixels get the upsampled difference (estimate - original), so opaque pixels keep their exact colours.
                var fgWork = ImagingOps.EstimateForeground(work, alphaWork, ww, wh);
                trace.Mark("foreground estimate");
                byte[]? background = null;
                if (o.BackgroundImage is { Length: > 0 } bgBytes)
                {
                    var bg = ImageIO.Decode(bgBytes, "background image");
                    var fill = BlazorCutout.Engine.Imaging.Compositing.FillCropRect(bg.Width, bg.Height, rect.Width, rect.Height);
                    var scaled = ImageIO.Resize(bg.Pixels, bg.Width, bg.Height, 3, fill.ScaledWidth, fill.ScaledHeight);
                    background = BlazorCutout.Engine.Imaging.Compositing.Crop(scaled, fill.ScaledWidth, fill.ScaledHeight, fill.Crop);
                    trace.Mark("background image");
                }
                var color = background is null ? plan.Color ?? (o.Format == OutputFormat.Jpg ? ((byte)255, (byte)255, (byte)255) : null) : null;
                var composer = new Composer(src, alpha, rect, full ? null : fgWork, full ? fgWork : null, work, ww, wh, color, background, _cfg.ClearTransparentPixels);
                trace.Mark("compose setup");
                ct.ThrowIfCancellationRequested();
                post = sw.Elapsed;
                sw.Restart();
                progress?.Report(CutoutProgress.Of(CutoutStage.Encode));
                // PNG: composed row by row inside the parallel encoder (no RGBA copy of the image); others: composed first.
                image = o.Format == OutputFormat.Png
                    ? ImageIO.EncodePng(composer.Width, composer.Height, composer.Bands, composer.Row, _cfg)
                    : ImageIO.EncodeImage(composer.ToArray(), composer.Width, composer.Height, composer.Bands, o.Format, _cfg);
                encodeTime += sw.Elapsed;
                trace.Mark("encode");
            }
            else post = sw.Elapsed;

            if (o.Output != OutputKind.Image)
            {
                if (image is null) progress?.Report(CutoutProgress.Of(CutoutStage.Encode));
                sw.Restart();
                var m = rect.Width == W && rect.Height == H ? alpha : new byte[rect.Width * rect.Height];
                if (!ReferenceEquals(m, alpha))
                    for (int y = 0; y < rect.Height; y++)
                        alpha.AsSpan((rect.Y + y) * W + rect.X, rect.Width).CopyTo(m.AsSpan(y * rect.Width));
                maskPng = ImageIO.EncodeImage(m, rect.Width, rect.Height, 1, OutputFormat.Png, _cfg);
                encodeTime += sw.Elapsed;
                trace.Mark("mask encode");
            }
            trace.Report(W, H);

            return new CutoutResult
            {
                Image = image,
                ImageContentType = image is null ? null : ImageIO.ContentType(o.Format),
                Mask = maskPng,
                Foreground = fgRect,
                SourceWidth = W,
                SourceHeight = H,
                Width = rect.Width,
                Height = rect.Height,
                Timings = new CutoutTimings(decode, inference, post, encodeTime, total.Elapsed),
            };
        }
        finally
        {
            // An early exit (cancellation, a failure) still waits for the background decode: its CPU and memory belong
            // to this request's slot.
            if (fullDecode is not null)
                try { fullDecode.Wait(CancellationToken.None); } catch (Exception) { /* the request already failed */ }
        }
    }

    private static CutoutException SizeMismatch(RgbImage src, ImageProbe probe) => new(CutoutErrorCode.CorruptImage,
        $"The image decodes to {src.Width}x{src.Height} pixels but its header says {probe.Width}x{probe.Height}.");

    /// <summary>Smallest rectangle of pixels with alpha &gt;= <paramref name="threshold"/> (vectorised row scans).</summary>
    internal static PixelRect ByteBounds(byte[] alpha, int width, int height, byte threshold)
    {
        int top = -1, bottom = -1, left = width, right = -1;
        for (int y = 0; y < height; y++)
        {
            var row = alpha.AsSpan(y * width, width);
            int first = row.IndexOfAnyInRange(threshold, (byte)255);
            if (first < 0) continue;
            if (top < 0) top = y;
            bottom = y;
            if (first < left) left = first;
            int last = row.LastIndexOfAnyInRange(threshold, (byte)255);
            if (last > right) right = last;
        }
        return top < 0 ? default : new PixelRect(left, top, right - left + 1, bottom - top + 1);
    }

    private static byte[] ToBytes(float[] a)
    {
        var b = GC.AllocateUninitializedArray<byte>(a.Length);
        for (int i = 0; i < a.Length; i++) b[i] = ToByte(a[i]);
        return b;
    }

    /// <summary>Per-step timings on stderr when CUTOUT_TRACE=1 (for tuning; the result carries the coarse ones).</summary>
    private sealed class StepTrace
    {
        private static readonly bool Enabled = Environment.GetEnvironmentVariable("CUTOUT_TRACE") == "1";
        private readonly Stopwatch _sw = Stopwatch.StartNew();
        private readonly List<string> _steps = [];

        public void Mark(string step)
        {
            if (!Enabled) return;
            _steps.Add($"{step} {_sw.Elapsed.TotalMilliseconds:0}");
            _sw.Restart();
        }

        public static void Note(string text)
        {
            if (Enabled) Console.Error.WriteLine("[cutout] " + text);
        }

        public void Report(int w, int h)
        {
            if (Enabled) Console.Error.WriteLine($"[cutout {w}x{h}] " + string.Join(", ", _steps) + " ms");
        }
    }

    private void Normalise(byte[] rgb, float[] tensor, int plane)
    {
        float m0 = _cfg.NormalizationMean[0], m1 = _cfg.NormalizationMean[1], m2 = _cfg.NormalizationMean[2];
        float k0 = 1f / _cfg.NormalizationStd[0], k1 = 1f / _cfg.NormalizationStd[1], k2 = 1f / _cfg.NormalizationStd[2];
        int parts = Math.Max(1, Math.Min(Environment.ProcessorCount, plane / 65536));
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            int a = (int)((long)plane * p / parts), b = (int)((long)plane * (p + 1) / parts);
            for (int i = a, j = 3 * a; i < b; i++, j += 3)
            {
                tensor[i] = (rgb[j] - m0) * k0;
                tensor[plane + i] = (rgb[j + 1] - m1) * k1;
                tensor[2 * plane + i] = (rgb[j + 2] - m2) * k2;
            }
        });
    }

    private static void Clamp01(float[] a)
    {
        for (int i = 0; i < a.Length; i++) a[i] = a[i] < 0 ? 0 : a[i] > 1 ? 1 : a[i];
    }

    private static void MinMax(float[] a)
    {
        float lo = float.MaxValue, hi = float.MinValue;
        foreach (var v in a) { if (v < lo) lo = v; if (v > hi) hi = v; }
        float k = hi > lo ? 1f / (hi - lo) : 0f;
        for (int i = 0; i < a.Length; i++) a[i] = (a[i] - lo) * k;
    }

    private static byte ToByte(float v) => (byte)(v <= 0 ? 0 : v >= 1 ? 255 : v * 255f + 0.5f);

    public void Dispose()
    {
        lock (_sessionLock)
        {
            if (_disposed) return;
            _disposed = true;
            _segmenter?.Dispose();
            _segmenter = null;
        }
        _slots.Dispose();
    }

    /// <summary>The last few model outputs by sha256 of the encoded image (4 MB each at 1024²).</summary>
    private sealed class MatteCache(int capacity)
    {
        private readonly LinkedList<(string Key, float[] Matte)> _entries = new();

        public float[]? TryGet(string key)
        {
            lock (_entries)
            {
                for (var node = _entries.First; node is not null; node = node.Next)
                    if (node.Value.Key == key)
                    {
                        _entries.Remove(node);
                        _entries.AddFirst(node);
                        return node.Value.Matte;
                    }
                return null;
            }
        }

        public void Add(string key, float[] matte)
        {
            if (capacity <= 0) return;
            lock (_entries)
            {
                _entries.AddFirst((key, matte));
                while (_entries.Count > capacity) _entries.RemoveLast();
            }
        }
    }
}
