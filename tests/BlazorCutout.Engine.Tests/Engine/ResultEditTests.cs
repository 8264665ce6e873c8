using BlazorCutout.Engine.Pipeline;
using Xunit;

namespace BlazorCutout.Engine.Tests.Engine;

/// <summary><see cref="IResultEditor"/>: the erase/restore brush applied to a real cut-out of a real photo.</summary>
[Collection("engine")]
public sealed class ResultEditTests(EngineFixture f)
{
    [Fact]
    public async Task Erase_and_restore_change_alpha_exactly_where_the_edit_says_and_nothing_else()
    {
        var photo = f.Photo("chelsea.png");
        var cut = await f.Engine.CutOutAsync(new CutoutRequest(photo, new CutoutOptions()));
        var before = Decoded.From(cut.Image!);
        var source = Decoded.From(photo);
        int w = before.Width, h = before.Height;

        // Erase a block inside the subject, restore the top-left corner (background), half-erase one opaque pixel.
        var edit = Neutral(w, h);
        var erase = Block(w, h, 0.40, 0.45, 0.55, 0.60);
        var restore = new[] { (0.0, 0.0), (0.88, 0.0), (0.0, 0.88), (0.88, 0.88), (0.44, 0.0), (0.0, 0.44), (0.88, 0.44) }
            .Select(c => Block(w, h, c.Item1, c.Item2, c.Item1 + 0.12, c.Item2 + 0.12))
            .First(b => Mean(before, b) < 30);
        foreach (var i in erase) edit[i] = 0;
        foreach (var i in restore) edit[i] = 255;
        int half = FirstOpaqueOutside(before, erase, restore);
        edit[half] = 64;
        Assert.True(Mean(before, erase) > 200, "the erased block must start opaque (inside the cat)");

        var edited = f.Engine.ApplyEdit(photo, cut.Image!, Png(edit, w, h));

        var after = Decoded.From(edited.Png);
        Assert.Equal((w, h, 4), (after.Width, after.Height, after.Bands));
        Assert.All(erase, i => Assert.Equal(0, after.Pixels[i * 4 + 3]));
        Assert.All(restore, i =>
        {
            Assert.Equal(255, after.Pixels[i * 4 + 3]);
            for (int c = 0; c < 3; c++) Assert.InRange(after.Pixels[i * 4 + c] - source.Pixels[i * source.Bands + c], -1, 1);
        });
        Assert.InRange(after.Pixels[half * 4 + 3], before.Pixels[half * 4 + 3] / 2 - 1, before.Pixels[half * 4 + 3] / 2 + 1);
        var mask = Decoded.From(edited.MaskPng);
        Assert.Equal((w, h, 1), (mask.Width, mask.Height, mask.Bands));
        for (int i = 0; i < w * h; i++) Assert.Equal(after.Pixels[i * 4 + 3], mask.Pixels[i]);
        var touched = erase.Concat(restore).Append(half).ToHashSet();
        for (int i = 0; i < w * h; i++)
        {
            if (touched.Contains(i)) continue;
            for (int b = 0; b < 4; b++)
                if (after.Pixels[i * 4 + b] != before.Pixels[i * 4 + b])
                    Assert.Fail($"pixel {i % w},{i / w} band {b} changed outside the edit: {before.Pixels[i * 4 + b]} -> {after.Pixels[i * 4 + b]}");
        }
    }

    [Fact]
    public async Task An_edit_of_another_size_is_refused_naming_both_sizes()
    {
        var photo = f.Photo("chelsea.png");
        var cut = await f.Engine.CutOutAsync(new CutoutRequest(photo, new CutoutOptions()));

        var e = Assert.Throws<CutoutException>(() => f.Engine.ApplyEdit(photo, cut.Image!, Png(Neutral(cut.Width - 1, cut.Height), cut.Width - 1, cut.Height)));

        Assert.Contains($"{cut.Width - 1}x{cut.Height}", e.Message);
        Assert.Contains($"{cut.Width}x{cut.Height}", e.Message);
        Assert.Contains("same size", e.Message);
    }

    [Fact]
    public void An_edit_that_is_not_a_png_is_refused()
    {
        var photo = f.Photo("chelsea.png");
        var probe = f.Engine.Probe(photo);
        var jpeg = ImageIO.EncodeImage(new byte[probe.Width * probe.Height * 3], probe.Width, probe.Height, 3, OutputFormat.Jpg, f.Engine.Options);

        var notPng = Assert.Throws<CutoutException>(() => f.Engine.ApplyEdit(photo, photo, jpeg));
        var notImage = Assert.Throws<CutoutException>(() => f.Engine.ApplyEdit(photo, photo, "hello"u8.ToArray()));

        Assert.Contains("must be a PNG", notPng.Message);
        Assert.Contains("touch-up edit", notImage.Message);
    }

    [Fact]
    public async Task A_cropped_result_is_refused_because_the_photo_does_not_line_up()
    {
        var photo = f.Photo("chelsea.png");
        var cut = await f.Engine.CutOutAsync(new CutoutRequest(photo, new CutoutOptions { Crop = true }));
        Assert.NotEqual((cut.SourceWidth, cut.SourceHeight), (cut.Width, cut.Height));

        var e = Assert.Throws<CutoutException>(() => f.Engine.ApplyEdit(photo, cut.Image!, Png(Neutral(cut.Width, cut.Height), cut.Width, cut.Height)));

        Assert.Contains("cropped", e.Message);
    }

    private static byte[] Neutral(int w, int h) => Enumerable.Repeat(IResultEditor.Unchanged, w * h).ToArray();

    private byte[] Png(byte[] grey, int w, int h) =>
        ImageIO.EncodePng(w, h, 1, (y, row) => grey.AsSpan(y * w, w).CopyTo(row), f.Engine.Options);

    private static List<int> Block(int w, int h, double x0, double y0, double x1, double y1)
    {
        var list = new List<int>();
        for (int y = (int)(y0 * h); y < (int)(y1 * h); y++)
            for (int x = (int)(x0 * w); x < (int)(x1 * w); x++) list.Add(y * w + x);
        return list;
    }

    private static double Mean(Decoded d, List<int> pixels) => pixels.Average(i => (double)d.Pixels[i * 4 + 3]);

    private static int FirstOpaqueOutside(Decoded d, List<int> a, List<int> b)
    {
        var skip = a.Concat(b).ToHashSet();
        for (int i = d.Width * d.Height / 2; i < d.Width * d.Height; i++)
            if (d.Pixels[i * 4 + 3] == 255 && !skip.Contains(i)) return i;
        throw new InvalidOperationException("no opaque pixel");
    }
}
