namespace BlazorCutout.Engine.Pipeline;

/// <summary>
/// The cut-out's output pixels, produced row by row (so the PNG encoder can filter and deflate them straight away,
/// without an RGBA copy of the whole image): foreground colour (source, or source + upsampled correction in the soft
/// band), then either straight RGBA or a blend over a colour / background image (RGB). Rows are independent and may
/// be produced from several threads at once.
/// </summary>
internal sealed class Composer
{
    private readonly byte[] _src, _alpha;
    private readonly int _W, _ww, _wh;
    private readonly PixelRect _rect;
    private readonly byte[]? _fgFull, _background;
    /// <summary>Foreground estimate minus working image (per channel) when the working image is smaller than the source.</summary>
    private readonly short[]? _diff;
    private readonly float _sx, _sy;
    private readonly byte _cr, _cg, _cb;
    private readonly bool _clearTransparent;

    public int Bands { get; }
    public int Width => _rect.Width;
    public int Height => _rect.Height;

    /// <param name="fgWork">Foreground estimate at working resolution when it differs from the source's, else null.</param>
    /// <param name="fgFull">Foreground estimate at the source resolution (working == source), else null.</param>
    /// <param name="clearTransparent">RGBA output: colour 0 under alpha 0 (see <see cref="EngineOptions.ClearTransparentPixels"/>).</param>
    public Composer(RgbImage src, byte[] alpha, PixelRect rect, byte[]? fgWork, byte[]? fgFull, byte[] work, int ww, int wh,
        (byte R, byte G, byte B)? color, byte[]? background, bool clearTransparent)
    {
        _clearTransparent = clearTransparent;
        _src = src.Pixels;
        _alpha = alpha;
        _W = src.Width;
        _rect = rect;
        _ww = ww;
        _wh = wh;
        _fgFull = fgFull;
        _background = background;
        Bands = color is null && background is null ? 4 : 3;
        (_cr, _cg, _cb) = color ?? (0, 0, 0);
        _sx = (float)ww / src.Width;
        _sy = (float)wh / src.Height;
        if (fgWork is not null && fgFull is null)
        {
            _diff = GC.AllocateUninitializedArray<short>(fgWork.Length);
            for (int i = 0; i < _diff.Length; i++) _diff[i] = (short)(fgWork[i] - work[i]);
        }
    }

    /// <summary>Writes output row <paramref name="y"/> (Width x Bands bytes).</summary>
    public void Row(int y, Span<byte> dst)
    {
        int yy = _rect.Y + y, rw = _rect.Width, bands = Bands;
        var s = _src;
        var alphaRow = _alpha.AsSpan(yy * _W + _rect.X, rw);
        int srcRow = (yy * _W + _rect.X) * 3;
        // vertical interpolation terms are constant along the row
        float fy = Math.Clamp((yy + 0.5f) * _sy - 0.5f, 0, _wh - 1);
        int y0 = (int)fy, y1 = Math.Min(y0 + 1, _wh - 1);
        float ty = fy - y0;
        bool soft = _diff is not null || _fgFull is not null;
        var bg = _background is null ? default : _background.AsSpan(y * rw * 3, rw * 3);
        for (int x = 0; x < rw; x++)
        {
            int a = alphaRow[x], s3 = srcRow + x * 3;
            byte f0, f1, f2;
            if (a == 0 && _clearTransparent)
            {
                f0 = f1 = f2 = 0;
            }
            else if (a == 255 || a == 0 || !soft)
            {
                f0 = s[s3]; f1 = s[s3 + 1]; f2 = s[s3 + 2];
            }
            else if (_fgFull is { } full)
            {
                f0 = full[s3]; f1 = full[s3 + 1]; f2 = full[s3 + 2];
            }
            else
            {
                var d = _diff!;
                float fx = Math.Clamp((_rect.X + x + 0.5f) * _sx - 0.5f, 0, _ww - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, _ww - 1);
                float tx = fx - x0;
                int i00 = (y0 * _ww + x0) * 3, i01 = (y0 * _ww + x1) * 3, i10 = (y1 * _ww + x0) * 3, i11 = (y1 * _ww + x1) * 3;
                f0 = Corrected(s[s3], d[i00], d[i01], d[i10], d[i11], tx, ty);
                f1 = Corrected(s[s3 + 1], d[i00 + 1], d[i01 + 1], d[i10 + 1], d[i11 + 1], tx, ty);
                f2 = Corrected(s[s3 + 2], d[i00 + 2], d[i01 + 2], d[i10 + 2], d[i11 + 2], tx, ty);
            }

            if (bands == 4)
            {
                int di = x * 4;
                dst[di] = f0; dst[di + 1] = f1; dst[di + 2] = f2; dst[di + 3] = (byte)a;
            }
            else
            {
                int b0, b1, b2;
                if (_background is not null) { b0 = bg[x * 3]; b1 = bg[x * 3 + 1]; b2 = bg[x * 3 + 2]; }
                else { b0 = _cr; b1 = _cg; b2 = _cb; }
                int di = x * 3;
                dst[di] = (byte)((f0 * a + b0 * (255 - a) + 127) / 255);
                dst[di + 1] = (byte)((f1 * a + b1 * (255 - a) + 127) / 255);
                dst[di + 2] = (byte)((f2 * a + b2 * (255 - a) + 127) / 255);
            }
        }
    }

    private static byte Corrected(byte s, float d00, float d01, float d10, float d11, float tx, float ty)
    {
        float d = (d00 + (d01 - d00) * tx) * (1 - ty) + (d10 + (d11 - d10) * tx) * ty;
        return (byte)Math.Clamp(s + d + 0.5f, 0f, 255f);
    }

    /// <summary>The whole output image (rows in parallel), for encoders that take a buffer.</summary>
    public byte[] ToArray()
    {
        int stride = Width * Bands;
        var result = GC.AllocateUninitializedArray<byte>(checked(stride * Height));
        Parallel.For(0, Height, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(Environment.ProcessorCount, 4) },
            y => Row(y, result.AsSpan(y * stride, stride)));
        return result;
    }
}
