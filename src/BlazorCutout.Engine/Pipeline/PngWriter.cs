using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;

namespace BlazorCutout.Engine.Pipeline;

/// <summary>
/// A PNG encoder that compresses bands of rows in parallel (as pigz does): each band is an independent raw deflate
/// stream ended by a sync flush, the bands are concatenated into one zlib stream (their Adler-32 values combined),
/// and each band goes out as its own IDAT chunk. On 2 cores this halves the encode time of a 12 MP cut-out,
/// the largest non-inference cost of the pipeline. Rows use the Up filter (vectorised).
/// </summary>
internal static class PngWriter
{
    private const int MinRowsPerBand = 64;

    public static byte[] Encode(byte[] pixels, int width, int height, int bands, CompressionLevel level = CompressionLevel.Fastest)
    {
        byte colourType = bands switch { 1 => 0, 2 => 4, 3 => 2, 4 => 6, _ => throw new ArgumentOutOfRangeException(nameof(bands)) };
        int stride = width * bands;
        if ((long)stride * height != pixels.Length) throw new ArgumentException("pixel buffer size", nameof(pixels));

        int parts = Math.Clamp(Environment.ProcessorCount * 2, 1, Math.Max(1, height / MinRowsPerBand));
        var results = new (byte[] Data, uint Adler, long RawLength)[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, p =>
        {
            int y0 = (int)((long)height * p / parts), y1 = (int)((long)height * (p + 1) / parts);
            var raw = new byte[(long)(y1 - y0) * (stride + 1)];
            for (int y = y0; y < y1; y++)
            {
                var dst = raw.AsSpan((y - y0) * (stride + 1), stride + 1);
                var cur = pixels.AsSpan(y * stride, stride);
                if (y == 0) { dst[0] = 0; cur.CopyTo(dst[1..]); }
                else { dst[0] = 2; Up(cur, pixels.AsSpan((y - 1) * stride, stride), dst[1..]); }
            }
            using var ms = new MemoryStream(raw.Length / 3 + 1024);
            long keep;
            var deflate = new DeflateStream(ms, level, leaveOpen: true);
            deflate.Write(raw);
            if (p < parts - 1)
            {
                deflate.Flush(); // sync flush: byte-aligned, no final block, so the next band can follow
                keep = ms.Length;
                deflate.Dispose();
            }
            else
            {
                deflate.Dispose();
                keep = ms.Length;
            }
            var data = ms.GetBuffer().AsSpan(0, (int)keep).ToArray();
            results[p] = (data, Adler32(raw), raw.Length);
        });

        uint adler = results[0].Adler;
        for (int p = 1; p < parts; p++) adler = Adler32Combine(adler, results[p].Adler, results[p].RawLength);

        long size = 8 + 25 + 12 + 12;
        foreach (var r in results) size += 12 + r.Data.Length;
        size += 6;
        using var png = new MemoryStream((int)Math.Min(int.MaxValue, size));
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8; ihdr[9] = colourType; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
        Chunk(png, "IHDR"u8, ihdr);
        for (int p = 0; p < parts; p++)
        {
            var d = results[p].Data;
            if (p == 0 && p == parts - 1) Chunk(png, "IDAT"u8, [.. ZlibHeader, .. d, .. AdlerBytes(adler)]);
            else if (p == 0) Chunk(png, "IDAT"u8, [.. ZlibHeader, .. d]);
            else if (p == parts - 1) Chunk(png, "IDAT"u8, [.. d, .. AdlerBytes(adler)]);
            else Chunk(png, "IDAT"u8, d);
        }
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static ReadOnlySpan<byte> ZlibHeader => [0x78, 0x01];

    private static byte[] AdlerBytes(uint adler)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, adler);
        return b;
    }

    private static void Up(ReadOnlySpan<byte> cur, ReadOnlySpan<byte> prev, Span<byte> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= cur.Length - Vector<byte>.Count; i += Vector<byte>.Count)
                (new Vector<byte>(cur[i..]) - new Vector<byte>(prev[i..])).CopyTo(dst[i..]);
        for (; i < cur.Length; i++) dst[i] = (byte)(cur[i] - prev[i]);
    }

    private static void Chunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, data.Length);
        s.Write(b);
        s.Write(type);
        s.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(b, crc);
        s.Write(b);
    }

    internal static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Mod = 65521;
        uint a = 1, b = 0;
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, 5552);
            foreach (var v in data[..n]) { a += v; b += a; }
            a %= Mod; b %= Mod;
            data = data[n..];
        }
        return (b << 16) | a;
    }

    /// <summary>Adler-32 of A||B from adler(A), adler(B) and len(B) (zlib's adler32_combine).</summary>
    internal static uint Adler32Combine(uint adler1, uint adler2, long len2)
    {
        const uint Mod = 65521;
        uint rem = (uint)(len2 % Mod);
        uint sum1 = adler1 & 0xFFFF;
        uint sum2 = (uint)((ulong)rem * sum1 % Mod);
        sum1 += (adler2 & 0xFFFF) + Mod - 1;
        sum2 += (adler1 >> 16) + (adler2 >> 16) + Mod - rem;
        if (sum1 >= Mod) sum1 -= Mod;
        if (sum1 >= Mod) sum1 -= Mod;
        if (sum2 >= Mod << 1) sum2 -= Mod << 1;
        if (sum2 >= Mod) sum2 -= Mod;
        return sum1 | (sum2 << 16);
    }

    /// <summary>CRC-32 (PNG/zlib polynomial), slicing by 8.</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Build();

        private static uint[] Build()
        {
            var t = new uint[8 * 256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[n] = c;
            }
            for (int n = 0; n < 256; n++)
                for (int s = 1; s < 8; s++)
                    t[s * 256 + n] = (t[(s - 1) * 256 + n] >> 8) ^ t[t[(s - 1) * 256 + n] & 0xFF];
            return t;
        }

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            var t = Table;
            while (data.Length >= 8)
            {
                uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
                uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
                crc = t[7 * 256 + (one & 0xFF)] ^ t[6 * 256 + ((one >> 8) & 0xFF)] ^ t[5 * 256 + ((one >> 16) & 0xFF)] ^ t[4 * 256 + (one >> 24)]
                    ^ t[3 * 256 + (two & 0xFF)] ^ t[2 * 256 + ((two >> 8) & 0xFF)] ^ t[256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
                data = data[8..];
            }
            foreach (var v in data) crc = t[(crc ^ v) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}

/// <summary>Bilinear upsampling of a matte to 8-bit at full resolution, rows in parallel (pixel centres aligned).</summary>
internal static class MatteUpsampler
{
    public static byte[] Bilinear(float[] src, int sw, int sh, int width, int height)
    {
        var result = GC.AllocateUninitializedArray<byte>(checked(width * height));
        var x0 = new int[width];
        var x1 = new int[width];
        var tx = new float[width];
        float sx = (float)sw / width, sy = (float)sh / height;
        for (int x = 0; x < width; x++)
        {
            float fx = Math.Clamp((x + 0.5f) * sx - 0.5f, 0, sw - 1);
            x0[x] = (int)fx;
            x1[x] = Math.Min(x0[x] + 1, sw - 1);
            tx[x] = fx - x0[x];
        }
        Parallel.For(0, height, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, y =>
        {
            float fy = Math.Clamp((y + 0.5f) * sy - 0.5f, 0, sh - 1);
            int r0 = (int)fy * sw, r1 = Math.Min((int)fy + 1, sh - 1) * sw;
            float ty = fy - (int)fy;
            var row = result.AsSpan(y * width, width);
            for (int x = 0; x < width; x++)
            {
                float a = src[r0 + x0[x]], b = src[r0 + x1[x]], c = src[r1 + x0[x]], d = src[r1 + x1[x]];
                float top = a + (b - a) * tx[x], bottom = c + (d - c) * tx[x];
                float v = (top + (bottom - top) * ty) * 255f + 0.5f;
                row[x] = (byte)(v <= 0 ? 0 : v >= 255 ? 255 : v);
            }
        });
        return result;
    }
}
