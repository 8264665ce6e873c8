using Xunit;
using BlazorCutout.Engine.Imaging;

namespace BlazorCutout.Engine.Tests.Imaging;

public class CompositingTests
{
    [Theory]
    [InlineData("81d4fa", 0x81, 0xd4, 0xfa)]
    [InlineData("#81D4FA", 0x81, 0xd4, 0xfa)]
    [InlineData("fff", 255, 255, 255)]
    [InlineData("#0a3", 0x00, 0xaa, 0x33)]
    public void Parses_hex_colours(string hex, int r, int g, int b)
    {
        Assert.Equal(((byte)r, (byte)g, (byte)b), Compositing.ParseHexColor(hex));
    }

    [Theory]
    [InlineData("")]
    [InlineData("#")]
    [InlineData("81d4f")]
    [InlineData("81d4fa0")]
    [InlineData("ggg")]
    [InlineData(" fff")]
    [InlineData("##fff")]
    [InlineData("rgb(1,2,3)")]
    [InlineData(null)]
    public void Refuses_anything_else_naming_bg_color(string? hex)
    {
        var e = Assert.Throws<CutoutException>(() => Compositing.ParseHexColor(hex!));
        Assert.Equal(CutoutErrorCode.InvalidOption, e.Code);
        Assert.Contains("bg_color", e.Message);
    }

    [Fact]
    public void Over_color_blends_by_alpha()
    {
        byte[] fg = [200, 100, 0, 200, 100, 0, 200, 100, 0];
        float[] a = [1f, 0f, 0.5f];
        var result = Compositing.OverColor(fg, a, (0, 0, 255), 3, 1);
        Assert.Equal(new byte[] { 200, 100, 0, 0, 0, 255, 100, 50, 128 }, result);
    }

    [Fact]
    public void Over_image_blends_by_alpha_and_clamps_out_of_range_alpha()
    {
        byte[] fg = [10, 20, 30, 10, 20, 30];
        byte[] bg = [210, 220, 230, 210, 220, 230];
        float[] a = [0.25f, 7f];
        var result = Compositing.OverImage(fg, a, bg, 2, 1);
        Assert.Equal(new byte[] { 160, 170, 180, 10, 20, 30 }, result);
    }

    [Fact]
    public void Over_image_refuses_mismatched_background()
    {
        Assert.Throws<ArgumentException>(() => Compositing.OverImage(new byte[6], new float[2], new byte[3], 2, 1));
    }

    [Theory]
    // Wider source: height decides, sides cropped equally.
    [InlineData(400, 100, 200, 200, 2.0, 800, 200, 300, 0)]
    // Taller source: width decides.
    [InlineData(100, 400, 200, 100, 2.0, 200, 800, 0, 350)]
    // Same aspect, downscale: no crop.
    [InlineData(4000, 3000, 800, 600, 0.2, 800, 600, 0, 0)]
    public void Fill_crop_scales_to_cover_and_centres(int sw, int sh, int dw, int dh, double scale, int scaledW, int scaledH, int cropX, int cropY)
    {
        var f = Compositing.FillCropRect(sw, sh, dw, dh);
        Assert.Equal(scale, f.Scale, 9);
        Assert.Equal(scaledW, f.ScaledWidth);
        Assert.Equal(scaledH, f.ScaledHeight);
        Assert.Equal(new PixelRect(cropX, cropY, dw, dh), f.Crop);
    }

    [Fact]
    public void Fill_crop_always_fits_despite_rounding()
    {
        for (int sw = 1; sw < 60; sw += 7)
        for (int sh = 1; sh < 60; sh += 5)
        for (int dw = 1; dw < 50; dw += 6)
        for (int dh = 1; dh < 50; dh += 4)
        {
            var f = Compositing.FillCropRect(sw, sh, dw, dh);
            Assert.True(f.Crop.X >= 0 && f.Crop.Y >= 0);
            Assert.True(f.Crop.X + dw <= f.ScaledWidth && f.Crop.Y + dh <= f.ScaledHeight);
            // Centred: the two cropped margins differ by at most one pixel.
            Assert.InRange(f.ScaledWidth - dw - 2 * f.Crop.X, 0, 1);
            Assert.InRange(f.ScaledHeight - dh - 2 * f.Crop.Y, 0, 1);
        }
    }

    [Fact]
    public void Crop_copies_the_region_of_rgb_and_alpha()
    {
        var rgb = Synthetic.Fill(5, 4, (x, y) => ((byte)x, (byte)y, 9));
        var alpha = Synthetic.Alpha(5, 4, (x, y) => x + 10 * y);
        var rect = new PixelRect(1, 2, 3, 2);
        Assert.Equal(new byte[] { 1, 2, 9, 2, 2, 9, 3, 2, 9, 1, 3, 9, 2, 3, 9, 3, 3, 9 }, Compositing.Crop(rgb, 5, 4, rect));
        Assert.Equal(new float[] { 21, 22, 23, 31, 32, 33 }, Compositing.Crop(alpha, 5, 4, rect));
        Assert.Throws<ArgumentOutOfRangeException>(() => Compositing.Crop(alpha, 5, 4, new PixelRect(3, 0, 3, 1)));
    }
}
