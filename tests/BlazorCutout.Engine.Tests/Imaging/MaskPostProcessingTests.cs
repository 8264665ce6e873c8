using Xunit;
using BlazorCutout.Engine.Imaging;

namespace BlazorCutout.Engine.Tests.Imaging;

public class MaskPostProcessingTests
{
    [Theory]
    [InlineData(-16385, 0.1, 0, "maskExpand")]
    [InlineData(16385, 0.1, 0, "maskExpand")]
    [InlineData(0, 0.09, 0, "maskBlurSigma")]
    [InlineData(0, 100.01, 0, "maskBlurSigma")]
    [InlineData(0, double.NaN, 0, "maskBlurSigma")]
    [InlineData(0, 0.1, -1, "maskKernelSize")]
    [InlineData(0, 0.1, 101, "maskKernelSize")]
    public void Validate_refuses_out_of_range_naming_field_and_range(int expand, double sigma, int kernel, string field)
    {
        var e = Assert.Throws<CutoutException>(() =>
            MaskPostProcessing.Validate(new MaskOptions { Expand = expand, BlurSigma = sigma, KernelSize = kernel }));
        Assert.Equal(CutoutErrorCode.InvalidOption, e.Code);
        Assert.Contains(field, e.Message);
        Assert.Contains("between", e.Message);
    }

    [Theory]
    [InlineData(-16384, 0.1, 0)]
    [InlineData(16384, 100, 100)]
    [InlineData(0, 0.1, 0)]
    public void Validate_accepts_the_bounds(int expand, double sigma, int kernel)
    {
        MaskPostProcessing.Validate(new MaskOptions { Expand = expand, BlurSigma = sigma, KernelSize = kernel });
    }

    [Fact]
    public void Apply_validates_too()
    {
        Assert.Throws<CutoutException>(() => MaskPostProcessing.Apply(new float[4], 2, 2, new MaskOptions { KernelSize = -3 }));
    }

    [Fact]
    public void Defaults_leave_the_mask_unchanged_and_do_not_touch_the_input()
    {
        var a = Synthetic.Alpha(64, 48, (x, y) => Synthetic.Disc(x, y, 30, 20, 12));
        var before = (float[])a.Clone();
        var result = MaskPostProcessing.Apply(a, 64, 48, new MaskOptions());
        Assert.NotSame(a, result);
        Assert.Equal(before, a);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], result[i], 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Expand_grows_a_point_into_square_or_disc(bool tapered)
    {
        const int n = 7, size = 31, c = 15;
        var a = new float[size * size];
        a[c * size + c] = 1;
        var r = MaskPostProcessing.Apply(a, size, size, new MaskOptions { Expand = n, TaperedCorners = tapered });
        Assert.Equal(1f, r[c * size + c + n]);          // along the axis: reached either way
        Assert.Equal(0f, r[c * size + c + n + 2]);
        float corner = r[(c + n) * size + c + n];       // diagonal corner at distance n·√2
        int area = r.Count(v => v >= 0.5f);
        if (tapered)
        {
            Assert.True(corner < 0.5f, $"disc corner {corner}");
            Assert.InRange(area, (int)(Math.PI * n * n * 0.9), (int)(Math.PI * n * n * 1.15));
        }
        else
        {
            Assert.Equal(1f, corner);
            Assert.Equal((2 * n + 1) * (2 * n + 1), area);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Negative_expand_shrinks_but_not_from_the_image_border(bool tapered)
    {
        // A 41×41 square in the middle plus a band along the bottom edge (a subject cut by the frame).
        const int w = 80, h = 80;
        var a = Synthetic.Alpha(w, h, (x, y) => (x >= 20 && x < 61 && y >= 10 && y < 51) || y >= 70 ? 1f : 0f);
        var r = MaskPostProcessing.Apply(a, w, h, new MaskOptions { Expand = -5, TaperedCorners = tapered });
        Assert.Equal(31 * 31, Enumerable.Range(0, 60 * w).Count(i => r[i] >= 0.5f));
        Assert.Equal(1f, r[15 * w + 25]);
        Assert.Equal(0f, r[14 * w + 25]);
        // Bottom band: eroded from its top edge only, the frame edge is not background.
        Assert.Equal(1f, r[79 * w + 40]);
        Assert.Equal(1f, r[75 * w + 40]);
        Assert.Equal(0f, r[74 * w + 40]);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2)]
    public void Tapered_expand_keeps_the_soft_edge_profile_shifted_outward(int shift)
    {
        // Vertical edge with a 6 px ramp; expanding must move the same ramp right (a true grey-scale dilation does this).
        const int w = 80, h = 20;
        static float Ramp(double x) => (float)Math.Clamp((30 - x) / 6 + 0.5, 0, 1);
        var a = Synthetic.Alpha(w, h, (x, _) => Ramp(x));
        var r = MaskPostProcessing.Apply(a, w, h, new MaskOptions { Expand = shift, TaperedCorners = true });
        for (int x = 0; x < w; x++)
            Assert.Equal(Ramp(x - shift), r[10 * w + x], 2);
    }

    [Fact]
    public void Huge_expand_fills_everything_and_huge_shrink_empties()
    {
        var a = Synthetic.Alpha(300, 200, (x, y) => Synthetic.Disc(x, y, 150, 100, 20));
        Assert.All(MaskPostProcessing.Apply(a, 300, 200, new MaskOptions { Expand = 16384, TaperedCorners = true }), v => Assert.Equal(1f, v));
        Assert.All(MaskPostProcessing.Apply(a, 300, 200, new MaskOptions { Expand = 16384 }), v => Assert.Equal(1f, v));
        Assert.All(MaskPostProcessing.Apply(a, 300, 200, new MaskOptions { Expand = -16384, TaperedCorners = true }), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Blur_softens_a_step_like_a_gaussian()
    {
        const int w = 60, h = 8;
        var a = Synthetic.Alpha(w, h, (x, _) => x < 30 ? 1f : 0f);
        var r = MaskPostProcessing.Apply(a, w, h, new MaskOptions { BlurSigma = 3 });
        var row = r.AsSpan(4 * w, w).ToArray();
        // Edge between pixels 29 and 30: the error function gives 0.5 ± Φ(0.5/3) there.
        Assert.Equal(0.566, row[29], 2);
        Assert.Equal(0.434, row[30], 2);
        Assert.Equal(0.0334, row[35], 2); // Φ(−5.5/3)
        for (int x = 1; x < w; x++) Assert.True(row[x] <= row[x - 1] + 1e-6f);
    }

    [Fact]
    public void Kernel_size_limits_the_blur_reach()
    {
        const int w = 60, h = 8;
        var a = Synthetic.Alpha(w, h, (x, _) => x < 30 ? 1f : 0f);
        var auto = MaskPostProcessing.Apply(a, w, h, new MaskOptions { BlurSigma = 5 });
        var limited = MaskPostProcessing.Apply(a, w, h, new MaskOptions { BlurSigma = 5, KernelSize = 5 }); // radius 2
        var none = MaskPostProcessing.Apply(a, w, h, new MaskOptions { BlurSigma = 5, KernelSize = 1 });
        int row = 4 * w;
        Assert.True(auto[row + 33] > 0.1f);
        Assert.Equal(0f, limited[row + 32]);
        Assert.True(limited[row + 31] > 0.1f);
        Assert.Equal(a, none);
    }

    [Fact]
    public void Wide_blur_matches_the_exact_gaussian()
    {
        // sigma 20 → radius 60, beyond the exact-FIR limit, so this checks the box approximation against the true kernel.
        const int w = 400, h = 4;
        const double sigma = 20;
        var a = Synthetic.Alpha(w, h, (x, _) => x >= 150 && x < 250 ? 1f : 0f);
        var r = MaskPostProcessing.Apply(a, w, h, new MaskOptions { BlurSigma = sigma });
        for (int x = 100; x < 300; x += 5)
        {
            double expected = 0, norm = 0;
            for (int k = -60; k <= 60; k++)
            {
                double g = Math.Exp(-k * k / (2 * sigma * sigma));
                norm += g;
                int xx = x + k;
                if (xx >= 150 && xx < 250) expected += g;
            }
            Assert.Equal(expected / norm, r[2 * w + x], 1); // within 0.05
            Assert.True(Math.Abs(expected / norm - r[2 * w + x]) < 0.02, $"x={x}: {r[2 * w + x]} vs {expected / norm}");
        }
    }

    [Fact]
    public void Blur_keeps_a_border_touching_subject_opaque_at_the_border()
    {
        var a = Synthetic.Alpha(40, 40, (x, y) => y >= 20 ? 1f : 0f);
        var r = MaskPostProcessing.Apply(a, 40, 40, new MaskOptions { BlurSigma = 4 });
        Assert.Equal(1f, r[39 * 40 + 0], 4);
        Assert.Equal(1f, r[39 * 40 + 39], 4);
    }
}
