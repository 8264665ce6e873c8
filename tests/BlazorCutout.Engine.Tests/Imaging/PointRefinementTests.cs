using Xunit;
using BlazorCutout.Engine.Imaging;

namespace BlazorCutout.Engine.Tests.Imaging;

public class PointRefinementTests
{
    /// <summary>
    /// Base scene 240×180: green background; blue disc = the real subject; a yellow square the "model" wrongly kept
    /// (alpha 1); a blue rectangle of the subject's colour that the model dropped (alpha 0).
    /// <paramref name="k"/> scales every coordinate so the same scene exercises the reduced-resolution path.
    /// </summary>
    private sealed class Scene
    {
        public readonly int W, H;
        private readonly int _k;
        public readonly byte[] Rgb;
        public readonly float[] Alpha;

        public Scene(int k = 1)
        {
            _k = k; W = 240 * k; H = 180 * k;
            Rgb = Synthetic.Fill(W, H, (x, y) =>
            {
                double ux = (x + 0.5) / k, uy = (y + 0.5) / k;
                (int r, int g, int b) c = InDisc(ux, uy) || InLost(ux, uy) ? (30, 60, 200)
                    : InSquare(ux, uy) ? (230, 210, 40) : (90, 150, 80);
                return (Synthetic.Noisy(c.r, x, y, 0, 8), Synthetic.Noisy(c.g, x, y, 1, 8), Synthetic.Noisy(c.b, x, y, 2, 8));
            });
            Alpha = Synthetic.Alpha(W, H, (x, y) =>
                InSquare((x + 0.5) / k, (y + 0.5) / k) ? 1f : Synthetic.Disc(x + 0.5, y + 0.5, 90 * k, 90 * k, 50 * k, 2));
        }

        private static bool InDisc(double x, double y) => (x - 90) * (x - 90) + (y - 90) * (y - 90) < 50 * 50;
        private static bool InSquare(double x, double y) => x >= 180 && x < 220 && y >= 20 && y < 60;
        private static bool InLost(double x, double y) => x >= 170 && x < 225 && y >= 110 && y < 165;

        public NormalizedPoint Point(double x, double y) => new(x / 240, y / 180);

        /// <summary>Mean alpha over a rectangle given in base-scene units.</summary>
        public double Mean(float[] a, int x0, int y0, int x1, int y1) => Synthetic.MeanIn(a, W, x0 * _k, y0 * _k, x1 * _k, y1 * _k);

        public float Max(float[] a, int x0, int y0, int x1, int y1)
        {
            float m = 0;
            for (int y = y0 * _k; y < y1 * _k; y++)
            for (int x = x0 * _k; x < x1 * _k; x++) m = Math.Max(m, a[y * W + x]);
            return m;
        }

        /// <summary>Every pixel of the disc's own soft rim keeps exactly the model's alpha.</summary>
        public void AssertDiscRimUntouched(float[] result)
        {
            int rim = 0;
            for (int i = 0; i < Alpha.Length; i++)
            {
                int x = i % W, y = i / W;
                if (Alpha[i] is > 0f and < 1f && x < 150 * _k)
                {
                    Assert.Equal(Alpha[i], result[i]);
                    rim++;
                }
            }
            Assert.True(rim > 100);
        }
    }

    private static readonly NormalizedPoint[] None = [];

    [Fact]
    public void Without_points_the_input_is_returned()
    {
        var s = new Scene();
        Assert.Same(s.Alpha, PointRefinement.Refine(s.Rgb, s.Alpha, s.W, s.H, None, None));
    }

    [Fact]
    public void Negative_click_removes_the_whole_wrongly_kept_square_and_keeps_the_subject()
    {
        var s = new Scene();
        var before = (float[])s.Alpha.Clone();
        var r = PointRefinement.Refine(s.Rgb, s.Alpha, s.W, s.H, None, [s.Point(200, 40)]);
        Assert.Equal(before, s.Alpha); // input untouched
        Assert.True(s.Max(r, 178, 18, 222, 62) < 0.05f, $"square max alpha {s.Max(r, 178, 18, 222, 62)}");
        Assert.True(s.Mean(r, 60, 60, 120, 120) > 0.999, "subject interior");
        s.AssertDiscRimUntouched(r);
        Assert.True(s.Max(r, 170, 110, 225, 165) < 0.01f, "the dropped region stays dropped without a positive click");
    }

    [Fact]
    public void Negative_click_near_the_edge_of_the_square_still_removes_all_of_it()
    {
        var s = new Scene();
        var r = PointRefinement.Refine(s.Rgb, s.Alpha, s.W, s.H, None, [s.Point(183, 57)]);
        Assert.True(s.Max(r, 178, 18, 222, 62) < 0.05f, $"square max alpha {s.Max(r, 178, 18, 222, 62)}");
        Assert.True(s.Mean(r, 60, 60, 120, 120) > 0.999);
    }

    [Fact]
    public void Positive_click_restores_the_dropped_region_only()
    {
        var s = new Scene();
        var r = PointRefinement.Refine(s.Rgb, s.Alpha, s.W, s.H, [s.Point(197, 137)], None);
        Assert.True(s.Mean(r, 173, 113, 222, 162) > 0.97, $"restored mean {s.Mean(r, 173, 113, 222, 162)}");
        Assert.True(s.Max(r, 0, 0, 30, 180) < 0.01f, "background stays background");
        Assert.True(s.Max(r, 150, 65, 240, 105) < 0.05f, "background between square and region stays background");
        Assert.True(s.Mean(r, 182, 22, 218, 58) > 0.999, "the square was not clicked, so it stays");
        s.AssertDiscRimUntouched(r);
    }

    [Fact]
    public void Both_clicks_together()
    {
        var s = new Scene();
        var r = PointRefinement.Refine(s.Rgb, s.Alpha, s.W, s.H, [s.Point(197, 137)], [s.Point(200, 40)]);
        Assert.True(s.Max(r, 178, 18, 222, 62) < 0.05f);
        Assert.True(s.Mean(r, 173, 113, 222, 162) > 0.97);
        Assert.True(s.Mean(r, 60, 60, 120, 120) > 0.999);
    }

    [Fact]
    public void Click_on_background_that_is_already_background_changes_nothing()
    {
        var s = new Scene();
        var r = PointRefinement.Refine(s.Rgb, s.Alpha, s.W, s.H, None, [s.Point(20, 160)]);
        Assert.Equal(s.Alpha, r);
    }

    [Fact]
    public void Reduced_resolution_path_removes_the_square_without_a_ghost_outline()
    {
        var s = new Scene(k: 5); // 1200×900 → working scale 3
        var r = PointRefinement.Refine(s.Rgb, s.Alpha, s.W, s.H, [s.Point(197, 137)], [s.Point(200, 40)]);
        Assert.True(s.Max(r, 178, 18, 222, 62) < 0.05f, $"square max alpha {s.Max(r, 178, 18, 222, 62)}");
        Assert.True(s.Mean(r, 173, 113, 222, 162) > 0.97, $"restored mean {s.Mean(r, 173, 113, 222, 162)}");
        Assert.True(s.Mean(r, 60, 60, 120, 120) > 0.999);
        s.AssertDiscRimUntouched(r);
    }

    [Fact]
    public void Positive_click_on_the_subject_it_already_has_changes_nothing()
    {
        var s = new Scene();
        var r = PointRefinement.Refine(s.Rgb, s.Alpha, s.W, s.H, [s.Point(90, 90)], None);
        Assert.Equal(s.Alpha, r);
    }

    [Fact]
    public void Positive_click_on_an_empty_matte_selects_the_clicked_object()
    {
        var s = new Scene();
        var empty = new float[s.W * s.H];
        var r = PointRefinement.Refine(s.Rgb, empty, s.W, s.H, [s.Point(90, 90)], None);
        Assert.True(s.Mean(r, 60, 60, 120, 120) > 0.99, "disc interior");
        Assert.True(s.Max(r, 178, 18, 222, 62) < 0.01f, "the square is another object");
        Assert.True(s.Max(r, 0, 0, 30, 180) < 0.01f, "background");
    }

    [Fact]
    public void Negative_click_removes_a_textured_object_the_colour_region_cannot_cover()
    {
        // A yellow/purple checkerboard object: no single colour region spans it, so removing all of it relies on the
        // connected-piece rule rather than on colour similarity.
        const int w = 240, h = 180;
        static bool InObject(int x, int y) => x >= 150 && x < 210 && y >= 30 && y < 90;
        static bool InSubject(int x, int y) => (x - 70) * (x - 70) + (y - 90) * (y - 90) < 45 * 45;
        var rgb = Synthetic.Fill(w, h, (x, y) =>
        {
            (int r, int g, int b) c = InSubject(x, y) ? (30, 60, 200)
                : InObject(x, y) ? ((x / 4 + y / 4) % 2 == 0 ? (230, 210, 40) : (120, 40, 160)) : (90, 150, 80);
            return (Synthetic.Noisy(c.r, x, y, 0, 8), Synthetic.Noisy(c.g, x, y, 1, 8), Synthetic.Noisy(c.b, x, y, 2, 8));
        });
        var alpha = Synthetic.Alpha(w, h, (x, y) => InSubject(x, y) || InObject(x, y) ? 1f : 0f);
        var r = PointRefinement.Refine(rgb, alpha, w, h, None, [new NormalizedPoint(180.0 / w, 60.0 / h)]);
        float left = 0;
        for (int y = 28; y < 92; y++)
        for (int x = 148; x < 212; x++) left = Math.Max(left, r[y * w + x]);
        Assert.True(left < 0.05f, $"object max alpha {left}");
        Assert.True(Synthetic.MeanIn(r, w, 40, 70, 100, 110) > 0.999, "subject stays");
    }
}
