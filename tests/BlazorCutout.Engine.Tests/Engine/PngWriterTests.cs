using Xunit;
using BlazorCutout.Engine.Pipeline;

namespace BlazorCutout.Engine.Tests.Engine;

[Collection("engine")]
public sealed class PngWriterTests(EngineFixture f)
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 300, 1)]
    [InlineData(513, 257, 3)]
    [InlineData(640, 1000, 4)]
    public void Parallel_bands_decode_to_the_same_pixels(int w, int h, int bands)
    {
        Assert.NotNull(f.Engine);
        var rnd = new Random(w * 31 + h);
        var pixels = new byte[w * h * bands];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)((i / bands % w) * 3 + rnd.Next(4)); // smooth-ish with noise
        var png = PngWriter.Encode(pixels, w, h, bands);
        var back = Decoded.From(png);
        Assert.Equal((w, h, bands), (back.Width, back.Height, back.Bands));
        Assert.Equal(pixels, back.Pixels);
    }

    [Fact]
    public void Adler_combine_matches_one_pass()
    {
        var data = new byte[100_000];
        new Random(1).NextBytes(data);
        var whole = PngWriter.Adler32(data);
        var combined = PngWriter.Adler32Combine(PngWriter.Adler32(data.AsSpan(0, 33_333)), PngWriter.Adler32(data.AsSpan(33_333)), data.Length - 33_333);
        Assert.Equal(whole, combined);
    }
}
