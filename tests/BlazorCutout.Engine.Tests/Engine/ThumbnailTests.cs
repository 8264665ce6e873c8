using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace BlazorCutout.Engine.Tests.Engine;

/// <summary><see cref="IImageThumbnailer"/>: grid previews through the engine's libvips.</summary>
[Collection("engine")]
public sealed class ThumbnailTests(EngineFixture f)
{
    [Theory]
    [InlineData("rocket.jpg", 320)]
    [InlineData("astronaut.png", 320)]
    [InlineData("motorcycle_left.png", 100)]
    public void A_photo_is_scaled_down_to_the_long_side_keeping_its_aspect(string photo, int maxSide)
    {
        var bytes = f.Photo(photo);
        var probe = f.Engine.Probe(bytes);
        Assert.True(Math.Max(probe.Width, probe.Height) > maxSide, "the photo must be larger than the thumbnail");

        var t = f.Engine.Thumbnail(bytes, maxSide);

        Assert.Equal("image/webp", t.ContentType);
        Assert.Equal(maxSide, Math.Max(t.Width, t.Height));
        Assert.Equal((double)probe.Width / probe.Height, (double)t.Width / t.Height, 0.02);
        Assert.True(t.Bytes.Length < bytes.Length / 4, $"{t.Bytes.Length} bytes is not much smaller than {bytes.Length}");
        var d = Decoded.From(t.Bytes);
        Assert.Equal((t.Width, t.Height), (d.Width, d.Height));
        Assert.True(d.Bands is 3 or 4);
    }

    [Fact]
    public void A_large_jpeg_is_shrunk_on_load_and_comes_out_right()
    {
        // Encode a 3000x2000 JPEG of a known split (red left half, blue right half) via the engine's own output path.
        int w = 3000, h = 2000;
        var rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (y * w + x) * 3;
                if (x < w / 2) rgb[i] = 220; else rgb[i + 2] = 220;
            }
        var jpeg = BlazorCutout.Engine.Pipeline.ImageIO.EncodeImage(rgb, w, h, 3, OutputFormat.Jpg, f.Engine.Options);

        var t = f.Engine.Thumbnail(jpeg, 320);

        Assert.Equal((320, 213), (t.Width, t.Height));
        var d = Decoded.From(t.Bytes);
        Assert.True(d.Mean(0.05, 0.1, 0.4, 0.9, 0) > 190 && d.Mean(0.05, 0.1, 0.4, 0.9, 2) < 30, "left half not red");
        Assert.True(d.Mean(0.6, 0.1, 0.95, 0.9, 2) > 190 && d.Mean(0.6, 0.1, 0.95, 0.9, 0) < 30, "right half not blue");
    }

    [Fact]
    public async Task A_transparent_cutout_keeps_its_alpha()
    {
        var cutout = await f.Engine.CutOutAsync(new CutoutRequest(f.Photo("chelsea.png"), new CutoutOptions()));
        var full = Decoded.From(cutout.Image!);
        Assert.Equal(4, full.Bands);

        var t = f.Engine.Thumbnail(cutout.Image!, 160);

        Assert.Equal(160, Math.Max(t.Width, t.Height));
        Assert.True(t.Bytes.Length < cutout.Image!.Length / 4);
        var d = Decoded.From(t.Bytes);
        Assert.Equal(4, d.Bands);
        Assert.True(d.Mean(0.93, 0.0, 1.0, 0.08, 3) < 15, "background corner should stay transparent");
        Assert.True(d.Mean(0.35, 0.35, 0.55, 0.55, 3) > 240, "the cat should stay opaque");
        // same coverage as the full-size cut-out, within resampling error
        Assert.Equal(full.Coverage(3), d.Coverage(3), 0.02);
    }

    [Fact]
    public void A_small_image_is_not_enlarged()
    {
        var bytes = f.Photo("chelsea.png");
        var probe = f.Engine.Probe(bytes);
        var t = f.Engine.Thumbnail(bytes, 4000);
        Assert.Equal((probe.Width, probe.Height), (t.Width, t.Height));
    }

    [Fact]
    public void Not_an_image_is_refused_like_a_cutout()
    {
        var e = Assert.Throws<CutoutException>(() => f.Engine.Thumbnail("hello, world"u8.ToArray(), 320));
        Assert.Equal(CutoutErrorCode.NotAnImage, e.Code);
    }

    [Fact]
    public void The_engine_registers_as_the_thumbnailer()
    {
        var services = new ServiceCollection();
        services.AddCutoutEngine(o => o.AssetsDirectory = f.AssetsDirectory);
        using var sp = services.BuildServiceProvider();
        Assert.Same(sp.GetRequiredService<CutoutEngine>(), sp.GetRequiredService<IImageThumbnailer>());
    }
}
