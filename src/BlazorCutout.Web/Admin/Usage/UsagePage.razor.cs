using BlazorCutout.Web.Budgets;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BlazorCutout.Web.Admin.Usage;

public partial class UsagePage
{
    private static readonly (UsagePreset Preset, string Label, string Key)[] Presets =
    [
        (UsagePreset.Today, "Today", "today"),
        (UsagePreset.Last7Days, "7 days", "7d"),
        (UsagePreset.Last30Days, "30 days", "30d"),
        (UsagePreset.ThisMonth, "This month", "month"),
    ];

    [Inject] private UsageReporter Reporter { get; set; } = default!;
    [Inject] private BudgetService Budgets { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    /// <summary>today | 7d | 30d | month; absent with from/to: a custom range.</summary>
    [SupplyParameterFromQuery(Name = "range")] public string? RangeKey { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }

    private UsagePreset preset = UsagePreset.Last7Days;
    private UsageRange range = null!;
    private string? rangeError;
    private string? customFrom;
    private string? customTo;
    private UsageReport? report;
    private IReadOnlyList<BudgetStatus> budgets = [];

    protected override async Task OnParametersSetAsync()
    {
        var now = Time.GetUtcNow();
        rangeError = null;
        if (From is not null || To is not null)
        {
            preset = UsagePreset.Custom;
            range = UsageRange.Parse(From, To, out rangeError) ?? UsageRange.Of(UsagePreset.Last7Days, now);
        }
        else
        {
            preset = Presets.FirstOrDefault(p => p.Key == RangeKey).Label is null ? UsagePreset.Last7Days : Presets.First(p => p.Key == RangeKey).Preset;
            range = UsageRange.Of(preset, now);
        }
        customFrom = range.From.ToString("yyyy-MM-dd");
        customTo = range.To.ToString("yyyy-MM-dd");
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        report = null;
        budgets = await Budgets.ListAsync();
        report = await Reporter.ReportAsync(range);
    }

    private static string PresetUrl(UsagePreset p) => $"admin/usage?range={Presets.First(x => x.Preset == p).Key}";

    private void ApplyCustom() => Navigation.NavigateTo($"admin/usage?from={Uri.EscapeDataString(customFrom ?? "")}&to={Uri.EscapeDataString(customTo ?? "")}");

    /// <summary>History with the filters its query string understands (HistoryPage): provider, state, from, to.</summary>
    private string History(string? provider = null, string? state = null) =>
        "history?" + string.Join('&', new[]
        {
            provider is null ? null : "provider=" + Uri.EscapeDataString(provider),
            state is null ? null : "state=" + state,
            range.Query,
        }.OfType<string>());

    private string[] DayLabels() => range.Days.Select(d => d.ToString("MM-dd")).ToArray();

    private List<ChartSeries<double>> TaskSeries() => Series(d => d.Tasks);

    private List<ChartSeries<double>> CoinSeries(string unit) => Series(d => (double)d.CoinsByUnit.Where(c => BudgetUsage.SameUnit(c.Key, unit)).Sum(c => c.Value));

    private List<ChartSeries<double>> Series(Func<DayUsage, double> value) => report!.ByProvider.Select(p => new ChartSeries<double>
    {
        Name = p.Name,
        Data = new ChartData<double>(range.Days.Select(day => report.Days.Where(d => d.ProviderId == p.Key && d.Day == day).Sum(value)).ToArray()),
    }).ToList();
}
