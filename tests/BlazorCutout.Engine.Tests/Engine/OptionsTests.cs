using Xunit;
using BlazorCutout.Engine.Pipeline;

namespace BlazorCutout.Engine.Tests.Engine;

/// <summary>Each option of 004/001 changes the output as documented. The model runs once per photo (matte cache).</summary>
[Collection("engine")]
public sealed class OptionsTests(EngineFixture f)
{
    private Task<CutoutResult> Cut(string photo, CutoutOptions o) => f.Engine.CutOutAsync(new CutoutRequest(f.Photo(photo), o));

    [Fact]
    public async Task Output_type_selects_image_mask_or_both()
    {
        var image = await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Image });
        Assert.NotNull(image.Image);
        Assert.Null(image.Mask);
        var mask = await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask });
        Assert.Null(mask.Image);
        Assert.Equal(1, Decoded.From(mask.Mask!).Bands);
        var both = await Cut("coffee.png", new CutoutOptions { Output = OutputKind.ImageAndMask });
        Assert.NotNull(both.Image);
        Assert.NotNull(both.Mask);
    }

    [Fact]
    public async Task Crop_cuts_to_the_subject_and_margin_widens_it()
    {
        var whole = await Cut("coffee.png", new CutoutOptions());
        var crop = await Cut("coffee.png", new CutoutOptions { Crop = true });
        var fg = crop.Foreground;
        Assert.Equal((fg.Width, fg.Height), (crop.Width, crop.Height));
        Assert.True(crop.Width < whole.Width && crop.Height < whole.Height);
        var img = Decoded.From(crop.Image!);
        Assert.Equal((fg.Width, fg.Height), (img.Width, img.Height));
        Assert.Equal(whole.Foreground, crop.Foreground);

        var margin = await Cut("coffee.png", new CutoutOptions { Crop = true, CropMargin = 10 });
        int expectW = Math.Min(whole.Width, fg.X + fg.Width + 10) - Math.Max(0, fg.X - 10);
        int expectH = Math.Min(whole.Height, fg.Y + fg.Height + 10) - Math.Max(0, fg.Y - 10);
        Assert.Equal((expectW, expectH), (margin.Width, margin.Height));
    }

    [Fact]
    public async Task Jpg_is_opaque_on_white_by_default_and_on_bg_color_when_given()
    {
        var jpg = await Cut("coffee.png", new CutoutOptions { Format = OutputFormat.Jpg });
        Assert.Equal("image/jpeg", jpg.ImageContentType);
        Assert.True(jpg.Image![0] == 0xFF && jpg.Image[1] == 0xD8);
        var white = Decoded.From(jpg.Image);
        Assert.Equal(3, white.Bands);
        for (int c = 0; c < 3; c++) Assert.True(white.Mean(0.93, 0, 1, 0.1, c) > 245);

        var blue = Decoded.From((await Cut("coffee.png", new CutoutOptions { Format = OutputFormat.Jpg, BackgroundColor = "81d4fa" })).Image!);
        Assert.InRange(blue.Mean(0.93, 0, 1, 0.1, 0), 0x81 - 6, 0x81 + 6);
        Assert.InRange(blue.Mean(0.93, 0, 1, 0.1, 1), 0xd4 - 6, 0xd4 + 6);
        Assert.InRange(blue.Mean(0.93, 0, 1, 0.1, 2), 0xfa - 6, 0xfa + 6);
        // the subject is unchanged by the background
        Assert.InRange(blue.Mean(0.40, 0.32, 0.55, 0.42, 0) - white.Mean(0.40, 0.32, 0.55, 0.42, 0), -6, 6);
    }

    [Fact]
    public async Task Png_bg_color_gives_an_opaque_png_in_that_colour()
    {
        var r = await Cut("coffee.png", new CutoutOptions { BackgroundColor = "#00c000" });
        var img = Decoded.From(r.Image!);
        Assert.Equal(3, img.Bands);
        Assert.Equal(0, img.At(img.Width - 1, 0, 0));
        Assert.Equal(0xc0, img.At(img.Width - 1, 0, 1));
    }

    [Fact]
    public async Task Webp_keeps_transparency()
    {
        var r = await Cut("coffee.png", new CutoutOptions { Format = OutputFormat.Webp });
        Assert.Equal("image/webp", r.ImageContentType);
        Assert.Equal("RIFF"u8.ToArray(), r.Image![..4]);
        var img = Decoded.From(r.Image);
        Assert.Equal(4, img.Bands);
        Assert.True(img.Mean(0.93, 0, 1, 0.1, 3) < 10);
        Assert.True(img.Mean(0.40, 0.32, 0.55, 0.42, 3) > 240);
    }

    [Fact]
    public async Task Background_image_is_centred_scaled_to_fill_and_cropped()
    {
        // A 200x100 background: left half red, right half blue. Filling the 600x400 coffee canvas scales it to 800x400
        // and crops 100 px from each side, so the canvas' left edge is red and its right edge blue.
        var bgPixels = new byte[200 * 100 * 3];
        for (int y = 0; y < 100; y++)
            for (int x = 0; x < 200; x++)
            {
                int i = (y * 200 + x) * 3;
                if (x < 100) bgPixels[i] = 255; else bgPixels[i + 2] = 255;
            }
        var bg = ImageIO.EncodeImage(bgPixels, 200, 100, 3, OutputFormat.Png, new EngineOptions());
        var r = await Cut("coffee.png", new CutoutOptions { BackgroundImage = bg });
        var img = Decoded.From(r.Image!);
        Assert.Equal((600, 400, 3), (img.Width, img.Height, img.Bands));
        Assert.True(img.At(2, 2, 0) > 240 && img.At(2, 2, 2) < 15, "top-left should be the red half");
        Assert.True(img.At(597, 2, 2) > 240 && img.At(597, 2, 0) < 15, "top-right should be the blue half");
        Assert.True(img.Mean(0.40, 0.32, 0.55, 0.42, 1) > 60, "the coffee stays in front");

        var both = await Assert.ThrowsAsync<CutoutException>(() => Cut("coffee.png", new CutoutOptions { BackgroundImage = bg, BackgroundColor = "fff" }));
        Assert.Equal(CutoutErrorCode.InvalidOption, both.Code);
    }

    [Fact]
    public async Task Mask_expand_grows_and_negative_expand_shrinks_the_subject()
    {
        double Coverage(CutoutResult r) => Decoded.From(r.Mask!).Coverage(0);
        var plain = Coverage(await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask }));
        var grown = Coverage(await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask, Mask = new MaskOptions { Expand = 12 } }));
        var shrunk = Coverage(await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask, Mask = new MaskOptions { Expand = -12 } }));
        var tapered = Coverage(await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask, Mask = new MaskOptions { Expand = 12, TaperedCorners = true } }));
        Assert.True(grown > plain + 0.02, $"expand: {grown} vs {plain}");
        Assert.True(shrunk < plain - 0.02, $"shrink: {shrunk} vs {plain}");
        Assert.True(tapered > plain + 0.02 && tapered < grown, $"tapered corners round the square growth: {tapered} vs {grown}");
    }

    [Fact]
    public async Task Mask_blur_softens_the_edge()
    {
        static int Soft(CutoutResult r)
        {
            var m = Decoded.From(r.Mask!);
            return m.Pixels.Count(v => v is > 10 and < 245);
        }
        var sharp = Soft(await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask }));
        var blurred = Soft(await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask, Mask = new MaskOptions { BlurSigma = 6 } }));
        var small = Soft(await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask, Mask = new MaskOptions { BlurSigma = 6, KernelSize = 3 } }));
        Assert.True(blurred > sharp * 2, $"blur sigma 6: {blurred} soft pixels vs {sharp}");
        Assert.True(small < blurred, $"a 3 px kernel limits the blur: {small} vs {blurred}");
    }

    [Fact]
    public async Task Type_hint_is_accepted_and_does_not_change_the_generic_model()
    {
        var auto = await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask });
        foreach (var t in new[] { SubjectType.Person, SubjectType.Object, SubjectType.Stamp })
        {
            var r = await Cut("coffee.png", new CutoutOptions { Output = OutputKind.Mask, Type = t });
            Assert.Equal(auto.Mask, r.Mask);
        }
    }
}
