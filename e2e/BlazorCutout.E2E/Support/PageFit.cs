using Microsoft.Playwright;

namespace BlazorCutout.E2E.Support;

/// <summary>Whether a page fits its window's width: nothing makes it scroll sideways.</summary>
public static class PageFit
{
    /// <summary>
    /// Fails when the document is wider than the window, naming the elements that stick out on the right (the widest
    /// first), so the message says what to fix.
    /// </summary>
    public static async Task AssertNoSidewaysScrollAsync(IPage page, string where)
    {
        var result = await page.EvaluateAsync<string[]>("""
            () => {
                const width = window.innerWidth;
                if (document.documentElement.scrollWidth <= width) return [];
                const out = [];
                for (const el of document.querySelectorAll('body *')) {
                    const r = el.getBoundingClientRect();
                    if (r.width === 0 || r.right <= width + 0.5) continue;
                    const id = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : '') +
                        (el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '');
                    out.push({ id, right: Math.round(r.right) });
                }
                out.sort((a, b) => b.right - a.right);
                return [`scrollWidth ${document.documentElement.scrollWidth} > innerWidth ${width}`, ...out.slice(0, 12).map(o => `${o.id} ends at ${o.right}px`)];
            }
            """);
        Assert.True(result.Length == 0, $"{where} scrolls sideways:\n  " + string.Join("\n  ", result));
    }

    /// <summary>Fails unless the element is shown and lies within the window's width.</summary>
    public static async Task AssertWithinWidthAsync(IPage page, ILocator element, string what)
    {
        await Assertions.Expect(element).ToBeVisibleAsync();
        var edges = await element.EvaluateAsync<double[]>("el => { const r = el.getBoundingClientRect(); return [r.left, r.right, window.innerWidth]; }");
        Assert.True(edges[0] >= 0 && edges[1] <= edges[2] + 0.5, $"{what} lies at x {edges[0]:0}–{edges[1]:0}, outside the window's {edges[2]:0} px");
    }
}
