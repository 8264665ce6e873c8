using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit;

namespace BlazorCutout.Engine.Tests.Engine;

/// <summary>
/// Damaged images are refused in our words: libvips' own text (loader class names, "bad seek", libjpeg's wording)
/// never reaches the message a user sees, and goes to the log instead.
/// </summary>
[Collection("engine")]
public sealed class DecoderMessageTests(EngineFixture f)
{
    /// <summary>Pieces of libvips' and its decoders' wording that must not appear in a user-facing message.</summary>
    private static readonly string[] Internals =
        ["vips", "VipsForeign", "Load", "bad seek", "premature", "libjpeg", "libpng", "heif:", "source:", "tile", "unable to call"];

    /// <summary>Damaged inputs of each kind the engine reads, with what each one breaks.</summary>
    private Dictionary<string, byte[]> Damaged()
    {
        var jpeg = f.Photo("rocket.jpg");
        var png = f.Photo("chelsea.png");
        var brokenIhdr = (byte[])png.Clone();
        brokenIhdr.AsSpan(16, 8).Fill(0xFF); // width and height 0xFFFFFFFF: an IHDR no decoder accepts
        var scrambled = (byte[])png.Clone();
        new Random(7).NextBytes(scrambled.AsSpan(png.Length / 3, png.Length / 3)); // compressed data garbled mid-stream
        return new()
        {
            ["truncated JPEG"] = jpeg[..(jpeg.Length / 2)],
            ["JPEG cut after its header"] = jpeg[..2048],
            ["truncated PNG"] = png[..(png.Length / 2)],
            ["PNG with a broken header"] = brokenIhdr,
            ["PNG with garbled data"] = scrambled,
            ["HEIF brand with no boxes"] = "\0\0\0\u0018ftypheic\0\0\0\0mif1heicXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"u8.ToArray(),
            ["WebP with a cut-off chunk"] = "RIFF\u0024\0\0\0WEBPVP8 \u0018\0\0\0\u0030\u0001\0\u009d\u0001\u002a"u8.ToArray(),
        };
    }

    [Fact]
    public async Task Every_decoder_failure_is_refused_in_our_words_with_no_libvips_text()
    {
        foreach (var (what, bytes) in Damaged())
        {
            var e = await Assert.ThrowsAsync<CutoutException>(() => f.Engine.CutOutAsync(new CutoutRequest(bytes, new CutoutOptions())));
            Assert.True(e.Code is CutoutErrorCode.CorruptImage or CutoutErrorCode.NotAnImage, $"{what}: {e.Code}: {e.Message}");
            Assert.StartsWith("The ", e.Message);
            foreach (var word in Internals)
                Assert.False(e.Message.Contains(word, StringComparison.OrdinalIgnoreCase), $"{what}: \"{e.Message}\" contains \"{word}\"");
            Assert.Null(e.InnerException);
        }
    }

    [Fact]
    public void A_damaged_image_is_refused_in_our_words_by_the_thumbnailer_too()
    {
        foreach (var (what, bytes) in Damaged())
        {
            CutoutException e;
            try { f.Engine.Thumbnail(bytes, 64); continue; } // read leniently, a half image still makes a preview
            catch (CutoutException c) { e = c; }
            foreach (var word in Internals)
                Assert.False(e.Message.Contains(word, StringComparison.OrdinalIgnoreCase), $"{what}: \"{e.Message}\" contains \"{word}\"");
        }
    }

    [Fact]
    public async Task The_truncated_jpeg_and_the_bad_heif_get_their_own_messages()
    {
        var jpeg = f.Photo("rocket.jpg");
        var truncated = await Assert.ThrowsAsync<CutoutException>(() => f.Engine.CutOutAsync(new CutoutRequest(jpeg[..(jpeg.Length / 2)], new CutoutOptions())));
        Assert.Equal("The image is damaged or truncated and cannot be decoded.", truncated.Message);

        var heif = Damaged()["HEIF brand with no boxes"];
        var header = Assert.Throws<CutoutException>(() => f.Engine.Probe(heif));
        Assert.Equal(CutoutErrorCode.CorruptImage, header.Code);
        Assert.Equal("The image looks like HEIF but its header cannot be read: the file is damaged or is not really HEIF.", header.Message);
    }

    [Fact]
    public async Task The_libvips_detail_goes_to_the_log()
    {
        var log = new ListLogger();
        using var engine = new CutoutEngine(new EngineOptions { AssetsDirectory = f.AssetsDirectory }, log);
        var jpeg = f.Photo("rocket.jpg");

        await Assert.ThrowsAsync<CutoutException>(() => engine.CutOutAsync(new CutoutRequest(jpeg[..(jpeg.Length / 2)], new CutoutOptions())));
        Assert.Throws<CutoutException>(() => engine.Probe(Damaged()["HEIF brand with no boxes"]));

        Assert.Contains(log.Lines, l => l.Contains("damaged or truncated") && l.Contains("premature end of JPEG", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(log.Lines, l => l.Contains("header cannot be read") && l.Contains("VipsForeignLoadHeif"));
    }

    private sealed class ListLogger : ILogger<CutoutEngine>
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public IReadOnlyCollection<string> Lines => _lines;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
