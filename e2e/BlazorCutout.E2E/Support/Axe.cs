using Microsoft.Playwright;

namespace BlazorCutout.E2E.Support;

/// <summary>
/// axe-core (from npm, fetched once by scripts/axe-core.sh) run inside a page: the WCAG 2 A/AA rules and axe's best
/// practices. The script is injected as an inline script tag, which the app's CSP refuses: use it in a context made
/// with <c>BypassCSP</c> (only the checker's tag needs it; the app's own scripts load as they always do).
/// </summary>
public static class Axe
{
    /// <summary>The serious and critical violations on the page as it is now, one line each, with up to five elements.</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            await page.AddScriptTagAsync(new() { Path = RepoPaths.AxeScript });
        return await page.EvaluateAsync<string[]>("""
            async () => {
                const result = await axe.run(document, { resultTypes: ['violations'] });
                return result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.impact} ${v.id} (${v.help}), ${v.nodes.length}×: ` + v.nodes.slice(0, 5)
                        .map(n => n.target.join(' ') + ' — ' + (n.failureSummary ?? '').replace(/\s+/g, ' ').trim())
                        .join(' | '));
            }
            """);
    }
}
