using Xunit;
using BlazorCutout.Engine.Pipeline;

namespace BlazorCutout.Engine.Tests.Engine;

[Collection("engine")]
public sealed class ColourManagementTests(EngineFixture f)
{
    [Fact]
    public void An_embedded_colour_profile_is_converted_to_srgb_on_decode()
    {
        // rocket.jpg carries an Adobe RGB (1998) profile. Reference means from sharp/libvips with and without
        // converting it: taking its pixels as sRGB washes the colours out (red is off by about 11 levels).
        (double R, double G, double B) converted = (41.475, 58.282, 81.602), unconverted = (52.266, 61.294, 82.271);

        var image = ImageIO.Decode(f.Photo("rocket.jpg"));
        var mean = Mean(image);

        Assert.Equal((640, 427), (image.Width, image.Height));
        Assert.True(Math.Abs(mean.R - converted.R) < 1 && Math.Abs(mean.G - converted.G) < 1 && Math.Abs(mean.B - converted.B) < 1,
            $"mean {mean} should match the sRGB conversion {converted}, not the unconverted {unconverted}");
    }

    [Fact]
    public void An_image_without_a_profile_is_taken_as_srgb_unchanged()
    {
        var png = f.Photo("chelsea.png");
        var decoded = Mean(ImageIO.Decode(png));
        var raw = Decoded.From(png);
        double r = 0;
        for (int i = 0; i < raw.Pixels.Length; i += raw.Bands) r += raw.Pixels[i];
        Assert.Equal(r / (raw.Width * raw.Height), decoded.R, 3);
    }

    private static (double R, double G, double B) Mean(RgbImage image)
    {
        double r = 0, g = 0, b = 0;
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i += 3) { r += p[i]; g += p[i + 1]; b += p[i + 2]; }
        double n = p.Length / 3.0;
        return (r / n, g / n, b / n);
    }
}
