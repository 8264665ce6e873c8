using Xunit;
using BlazorCutout.Engine.Imaging;

namespace BlazorCutout.Engine.Tests.Imaging;

public class ForegroundEstimationTests
{
    private const int W = 160, H = 120;
    private static readonly (byte R, byte G, byte B) Red = (220, 30, 40), Green = (30, 200, 50), Blue = (0, 0, 255);

    /// <summary>A red disc with a wide (12 px) soft rim, composited over green: the rim's observed colour is red+green.</summary>
    private static (byte[] Rgb, float[] Alpha) Scene()
    {
        var alpha = Synthetic.Alpha(W, H, (x, y) => Synthetic.Disc(x, y, 80, 60, 35, softness: 12));
        var rgb = Synthetic.Fill(W, H, (x, y) =>
        {
            float a = alpha[y * W + x];
            byte Mix(byte f, byte b) => (byte)Math.Round(f * a + b * (1 - a));
            return (Mix(Red.R, Green.R), Mix(Red.G, Green.G), Mix(Red.B, Green.B));
        });
        return (rgb, alpha);
    }

    private static bool IsRim(float a) => a > 0.05f && a < 0.95f;

    [Fact]
    public void Estimated_foreground_at_the_rim_has_lost_the_old_green()
    {
        var (rgb, alpha) = Scene();
        var fg = ForegroundEstimation.Estimate(rgb, alpha, W, H);
        double observedGreen = 0, estimatedGreen = 0; int n = 0;
        for (int i = 0; i < alpha.Length; i++)
        {
            if (!IsRim(alpha[i])) continue;
            observedGreen += rgb[i * 3 + 1];
            estimatedGreen += fg[i * 3 + 1];
            n++;
        }
        observedGreen /= n; estimatedGreen /= n;
        Assert.True(n > 500);
        Assert.True(observedGreen > 90, $"scene rim green {observedGreen}"); // the contamination is really there
        Assert.True(estimatedGreen < Red.G + 15, $"estimated rim green {estimatedGreen:F1} (true {Red.G})");
    }

    [Fact]
    public void Compositing_the_estimate_on_blue_shows_no_green_fringe()
    {
        var (rgb, alpha) = Scene();
        var fg = ForegroundEstimation.Estimate(rgb, alpha, W, H);
        var naive = Compositing.OverColor(rgb, alpha, Blue, W, H);
        var clean = Compositing.OverColor(fg, alpha, Blue, W, H);
        // Ground truth: the red disc composited directly over blue. Fringe = green excess over it.
        double naiveFringe = 0, cleanFringe = 0;
        for (int i = 0; i < alpha.Length; i++)
        {
            if (!IsRim(alpha[i])) continue;
            double truth = Red.G * alpha[i] + Blue.G * (1 - alpha[i]);
            naiveFringe = Math.Max(naiveFringe, naive[i * 3 + 1] - truth);
            cleanFringe = Math.Max(cleanFringe, clean[i * 3 + 1] - truth);
        }
        Assert.True(naiveFringe > 40, $"naive fringe {naiveFringe:F1}");
        Assert.True(cleanFringe < 8, $"fringe after estimation {cleanFringe:F1} levels of green");
    }

    [Fact]
    public void Opaque_and_transparent_pixels_keep_their_colour()
    {
        var (rgb, alpha) = Scene();
        var fg = ForegroundEstimation.Estimate(rgb, alpha, W, H);
        for (int i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] is > 0f and < 1f) continue;
            Assert.Equal(rgb[i * 3], fg[i * 3]);
            Assert.Equal(rgb[i * 3 + 1], fg[i * 3 + 1]);
            Assert.Equal(rgb[i * 3 + 2], fg[i * 3 + 2]);
        }
    }

    [Fact]
    public void Hard_matte_returns_a_copy_of_the_source()
    {
        var alpha = Synthetic.Alpha(40, 30, (x, _) => x < 20 ? 1f : 0f);
        var rgb = Synthetic.Fill(40, 30, (x, y) => ((byte)x, (byte)y, 7));
        var fg = ForegroundEstimation.Estimate(rgb, alpha, 40, 30);
        Assert.NotSame(rgb, fg);
        Assert.Equal(rgb, fg);
    }

    [Fact]
    public void Large_image_path_with_coarse_grid_also_decontaminates()
    {
        // 2400 px wide selects the 4×4 block grid for the radius-90 pass; the result must still be clean.
        const int w = 2400, h = 600;
        var alpha = Synthetic.Alpha(w, h, (x, y) => (float)Math.Clamp((1200 - x) / 10.0 + 0.5, 0, 1));
        var rgb = Synthetic.Fill(w, h, (x, y) =>
        {
            float a = alpha[y * w + x];
            return ((byte)Math.Round(Red.R * a + Green.R * (1 - a)), (byte)Math.Round(Red.G * a + Green.G * (1 - a)), (byte)Math.Round(Red.B * a + Green.B * (1 - a)));
        });
        var fg = ForegroundEstimation.Estimate(rgb, alpha, w, h);
        for (int x = 1196; x <= 1204; x++)
        {
            int i = (300 * w + x) * 3;
            Assert.InRange(fg[i + 1], 0, Red.G + 15);
            Assert.InRange(fg[i], Red.R - 20, 255);
        }
    }
}
