using Xunit;
namespace BlazorCutout.Engine.Tests.Engine;

/// <summary>Real photos through the real model: the matte covers the subject and leaves the background out.</summary>
[Collection("engine")]
public sealed class CutoutQualityTests(EngineFixture f)
{
    // photo, subject region (fractions x0,y0,x1,y1, hand-checked to lie inside the subject), background corner region
    public static TheoryData<string, double[], double[]> Photos => new()
    {
        { "astronaut.png", [0.40, 0.20, 0.50, 0.30], [0.92, 0.0, 1.0, 0.08] },      // face; top-right wall
        { "coffee.png", [0.40, 0.32, 0.55, 0.42], [0.93, 0.0, 1.0, 0.10] },         // crema in the cup; top-right table
        { "chelsea.png", [0.35, 0.35, 0.55, 0.55], [0.93, 0.0, 1.0, 0.08] },        // between the cat's eyes; top-right wall
        { "rocket.jpg", [0.485, 0.50, 0.51, 0.70], [0.85, 0.0, 1.0, 0.15] },        // rocket body; night sky
        { "motorcycle_left.png", [0.36, 0.42, 0.44, 0.50], [0.0, 0.0, 0.10, 0.10] }, // fuel tank; studio backdrop
    };

    [Theory]
    [MemberData(nameof(Photos))]
    public async Task Matte_is_opaque_on_the_subject_and_transparent_in_the_corner(string photo, double[] subject, double[] corner)
    {
        var r = await f.Engine.CutOutAsync(new CutoutRequest(f.Photo(photo), new CutoutOptions { Output = OutputKind.ImageAndMask }));

        var mask = Decoded.From(r.Mask!);
        Assert.Equal(1, mask.Bands);
        Assert.Equal((r.SourceWidth, r.SourceHeight), (mask.Width, mask.Height));
        Assert.True(mask.Mean(subject[0], subject[1], subject[2], subject[3], 0) > 240, $"{photo}: subject region not opaque");
        Assert.True(mask.Mean(corner[0], corner[1], corner[2], corner[3], 0) < 15, $"{photo}: corner not transparent");

        var image = Decoded.From(r.Image!);
        Assert.Equal(4, image.Bands); // transparent PNG by default
        Assert.Equal("image/png", r.ImageContentType);
        Assert.True(r.Timings.Inference > TimeSpan.Zero || r.Timings.Total > TimeSpan.Zero);
        // the image's alpha is the mask
        Assert.Equal(mask.Mean(0, 0, 1, 1, 0), image.Mean(0, 0, 1, 1, 3), 1);
        // the subject rectangle holds the subject region
        var fg = r.Foreground;
        Assert.True(fg.Width > 0 && fg.Height > 0);
        Assert.True(fg.X <= subject[0] * r.SourceWidth && fg.X + fg.Width >= subject[2] * r.SourceWidth);
    }

    [Fact]
    public async Task Edges_carry_the_foreground_colour_not_the_old_background()
    {
        // The red-brown saucer on a white table: in the soft band the observed colour is mixed with the table's white.
        // The cut-out's colour there (straight alpha) must move away from the old background, so that placed on a new
        // background it shows no light halo.
        var bytes = f.Photo("coffee.png");
        var r = await f.Engine.CutOutAsync(new CutoutRequest(bytes, new CutoutOptions()));
        var cut = Decoded.From(r.Image!);
        var original = Decoded.From(bytes);
        double[] bg = new double[3];
        int bgCount = 0;
        for (int i = 0; i < cut.Width * cut.Height; i++)
            if (cut.Pixels[i * 4 + 3] == 0)
            {
                for (int c = 0; c < 3; c++) bg[c] += original.Pixels[i * 3 + c];
                bgCount++;
            }
        for (int c = 0; c < 3; c++) bg[c] /= bgCount;

        double dOriginal = 0, dCut = 0;
        int count = 0;
        for (int i = 0; i < cut.Width * cut.Height; i++)
        {
            int a = cut.Pixels[i * 4 + 3];
            if (a is < 40 or > 215) continue;
            double o2 = 0, c2 = 0;
            for (int c = 0; c < 3; c++)
            {
                o2 += Math.Pow(original.Pixels[i * 3 + c] - bg[c], 2);
                c2 += Math.Pow(cut.Pixels[i * 4 + c] - bg[c], 2);
            }
            dOriginal += Math.Sqrt(o2);
            dCut += Math.Sqrt(c2);
            count++;
        }
        Assert.True(count > 200, $"too few soft pixels ({count})");
        Assert.True(dCut > dOriginal * 1.15,
            $"soft edge still carries the background: distance from it {dCut / count:0.0} vs {dOriginal / count:0.0} in the original");
    }
}
