using Xunit;
using BlazorCutout.Engine.Imaging;

namespace BlazorCutout.Engine.Tests.Imaging;

public class SubjectBoundsTests
{
    [Fact]
    public void Empty_matte_gives_empty_rect()
    {
        Assert.Equal(default, SubjectBounds.Find(new float[40 * 30], 40, 30));
    }

    [Fact]
    public void Finds_tight_box_of_pixels_at_or_above_threshold()
    {
        // Two blobs far apart plus faint noise below the threshold everywhere.
        var a = Synthetic.Alpha(100, 80, (x, y) =>
            (x >= 10 && x < 20 && y >= 5 && y < 9) || (x == 77 && y == 60) ? 1f : 0.3f);
        Assert.Equal(new PixelRect(10, 5, 68, 56), SubjectBounds.Find(a, 100, 80));
        Assert.Equal(new PixelRect(0, 0, 100, 80), SubjectBounds.Find(a, 100, 80, threshold: 0.3f));
    }

    [Fact]
    public void Later_row_extending_left_and_right_widens_the_box()
    {
        var a = new float[50 * 10];
        a[2 * 50 + 20] = 1;
        a[7 * 50 + 3] = 1;
        a[8 * 50 + 45] = 0.5f;
        Assert.Equal(new PixelRect(3, 2, 43, 7), SubjectBounds.Find(a, 50, 10));
    }

    [Fact]
    public void Margin_is_clamped_to_the_image_and_empty_stays_empty()
    {
        Assert.Equal(new PixelRect(0, 5, 17, 20), SubjectBounds.WithMargin(new PixelRect(2, 10, 10, 10), 5, 30, 40));
        Assert.Equal(new PixelRect(25, 35, 5, 5), SubjectBounds.WithMargin(new PixelRect(27, 37, 3, 3), 2, 30, 40));
        Assert.Equal(new PixelRect(5, 5, 20, 20), SubjectBounds.WithMargin(new PixelRect(10, 10, 10, 10), 5, 100, 100));
        Assert.Equal(default, SubjectBounds.WithMargin(default, 5, 100, 100));
    }
}
