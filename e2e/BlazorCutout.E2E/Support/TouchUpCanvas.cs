using System.Globalization;
using Microsoft.Playwright;

namespace BlazorCutout.E2E.Support;

/// <summary>
/// Painting on the touch-up editor's canvas and reading stored PNGs back, for the brush journeys: points are given as
/// fractions of the image and aimed through the view's own image rectangle (<c>data-image-rect</c>), so zoom and the
/// window's size do not matter.
/// </summary>
public static class TouchUpCanvas
{
    // Alpha of the stored PNG at points given as fractions of its size, decoded by the browser without premultiplying.
    private const string ReadAlpha = """
        async ({ url, points }) => {
            const response = await fetch(url, { credentials: 'same-origin' });
            if (!response.ok) throw new Error('GET ' + url + ' answered ' + response.status);
            const bitmap = await createImageBitmap(await response.blob(), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
            const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
            const ctx = canvas.getContext('2d');
            ctx.drawImage(bitmap, 0, 0);
            const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
            return points.map(([x, y]) => data[(Math.floor(y * bitmap.height) * bitmap.width + Math.floor(x * bitmap.width)) * 4 + 3]);
        }
        """;

    public static async Task<int[]> AlphaAsync(IPage page, string url, double[][] points) =>
        await page.EvaluateAsync<int[]>(ReadAlpha, new { url, points });

    /// <summary>Where a point of the image (fractions of its size) is on the screen now, through the view's image rectangle.</summary>
    public static async Task<(float X, float Y)> ScreenPointAsync(IPage page, ILocator canvas, (double X, double Y) p)
    {
        await page.WaitForTimeoutAsync(100); // one animation frame: data-image-rect follows the last zoom
        var rect = (await canvas.GetAttributeAsync("data-image-rect"))!.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var box = (await canvas.BoundingBoxAsync())!;
        return ((float)(box.X + rect[0] + p.X * rect[2]), (float)(box.Y + rect[1] + p.Y * rect[3]));
    }

    /// <summary>A mouse stroke between two points given as fractions of the image.</summary>
    public static async Task StrokeAsync(IPage page, ILocator canvas, (double X, double Y) from, (double X, double Y) to)
    {
        var a = await ScreenPointAsync(page, canvas, from);
        var b = await ScreenPointAsync(page, canvas, to);
        await page.Mouse.MoveAsync(a.X, a.Y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(b.X, b.Y, new() { Steps = 12 });
        await page.Mouse.UpAsync();
    }
}
