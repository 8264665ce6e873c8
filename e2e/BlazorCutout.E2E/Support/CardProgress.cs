using System.Text.Json;
using Microsoft.Playwright;

namespace BlazorCutout.E2E.Support;

/// <summary>
/// Every value the first Studio card's bar takes and every status text it shows, recorded in the page as the DOM
/// changes (no timing involved): start before the drop, read once the result is there.
/// </summary>
public static class CardProgress
{
    private const string Record = """
        () => {
            window.__bar = { progress: [], status: [] };
            const seen = () => {
                const card = document.querySelector('[data-testid=upload-card]');
                if (!card) return;
                const p = Number(card.dataset.progress), b = window.__bar;
                if (b.progress[b.progress.length - 1] !== p) b.progress.push(p);
                const s = card.querySelector('[data-testid=card-status]')?.textContent ?? '';
                if (b.status[b.status.length - 1] !== s) b.status.push(s);
            };
            new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-progress'] });
        }
        """;

    public static Task StartAsync(IPage page) => page.EvaluateAsync(Record);

    public static async Task<(List<double> Progress, List<string> Status)> ReadAsync(IPage page)
    {
        var bar = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__bar)")).RootElement;
        return (bar.GetProperty("progress").EnumerateArray().Select(p => p.GetDouble()).ToList(),
                bar.GetProperty("status").EnumerateArray().Select(s => s.GetString()!).ToList());
    }
}
