using BlazorCutout.Providers;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Admin.Providers;

/// <summary>Where the key a provider uses comes from. <see cref="Mask"/> is the only form of it that leaves the server.</summary>
public sealed record ProviderKeyStatus(ProviderKeySource Source, string? Mask, bool StoredUnreadable)
{
    public string Describe() => Source switch
    {
        ProviderKeySource.Stored => $"configured ({Mask}), stored encrypted",
        ProviderKeySource.Configuration => $"configured ({Mask}), from the configuration",
        _ => StoredUnreadable ? "the stored key can no longer be decrypted; enter it again" : "not configured",
    };
}

public enum ProviderKeySource { None, Stored, Configuration }

/// <summary>The stored overrides of a provider, without its key.</summary>
public sealed record StoredProviderSettings(
    bool? Enabled, string? BaseUrl, double? PollIntervalSeconds, double? RequestsPerSecond, int? Concurrency, ProviderPrices? Prices,
    string? UpdatedBy, DateTime? UpdatedUtc);

/// <summary>Coins (or credits) recorded in the cost ledger for a provider, in one unit.</summary>
/// <param name="UnpricedTasks">Tasks charged with no known price ("price not set"): counted, never added to an amount.</param>
public sealed record ProviderSpend(string Unit, decimal Reported, int ReportedTasks, decimal Estimated, int EstimatedTasks, int UnpricedTasks = 0);

/// <summary>Everything the admin page shows of one remote provider.</summary>
public sealed record ProviderAdminView(
    ProviderDescriptor Descriptor,
    bool Enabled,
    Uri? BaseUrl,
    ProviderAvailability Availability,
    ProviderAvailability? AccountState,
    ProviderKeyStatus Key,
    StoredProviderSettings Stored,
    IReadOnlyList<ProviderSpend> Spend)
{
    public string Id => Descriptor.Id;
}

public sealed class ProviderSettingsException(string message) : Exception(message);

/// <summary>The admin page's service: lists remote providers with their status and spend, saves and resets their settings.</summary>
public sealed class ProviderAdmin(
    IEnumerable<RemoteProviderBinding> bindings, IServiceProvider services, ProviderRegistry registry, ProviderSettingsStore store,
    ITaskService tasks, UrlGuard guard, IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxConcurrency = 64;
    public const double MaxRequestsPerSecond = 1000;
    public const double MinPollSeconds = 0.1;
    public const double MaxPollSeconds = 600;

    public async Task<IReadOnlyList<ProviderAdminView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var spend = await SpendAsync(cancellationToken);
        var choices = tasks.Providers().ToDictionary(c => c.Descriptor.Id, StringComparer.OrdinalIgnoreCase);
        var views = new List<ProviderAdminView>();
        foreach (var binding in bindings)
        {
            if (!registry.TryGet(binding.ProviderId, out var provider)) continue;
            var options = binding.Current(services);
            var record = store.Get(binding.ProviderId);
            var availability = choices.TryGetValue(binding.ProviderId, out var c)
                ? new ProviderAvailability(c.IsAvailable, c.UnavailableReason) : provider.GetAvailability();
            views.Add(new ProviderAdminView(
                provider.Descriptor,
                options.Enabled,
                options.BaseUrl,
                availability,
                (provider as IProviderAccountControl)?.AccountState,
                KeyStatus(binding, options, record?.ProtectedApiKey is not null),
                new StoredProviderSettings(record?.Enabled, record?.BaseUrl, record?.PollIntervalSeconds, record?.RequestsPerSecond, record?.Concurrency,
                    ProviderPrices.FromJson(record?.PricesJson), record?.UpdatedBy, record?.UpdatedUtc),
                spend.TryGetValue(binding.ProviderId, out var s) ? s : []));
        }
        return views.OrderBy(v => v.Descriptor.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task SaveAsync(string providerId, ProviderSettingsUpdate update, string? updatedBy, CancellationToken cancellationToken = default)
    {
        Binding(providerId);
        Validate(update);
        await store.SaveAsync(providerId, update, updatedBy, cancellationToken);
    }

    public async Task ResetAsync(string providerId, string? updatedBy, CancellationToken cancellationToken = default)
    {
        Binding(providerId);
        await store.ResetAsync(providerId, updatedBy, cancellationToken);
    }

    /// <summary>Forgets "coins exhausted" / "key refused": the next submission tries again.</summary>
    public void ClearAccountState(string providerId)
    {
        if (registry.TryGet(providerId, out var provider) && provider is IProviderAccountControl account) account.ClearAccountState();
    }

    private RemoteProviderBinding Binding(string providerId) =>
        bindings.FirstOrDefault(b => string.Equals(b.ProviderId, providerId, StringComparison.OrdinalIgnoreCase))
        ?? throw new ProviderSettingsException($"There is no remote provider called '{providerId}'.");

    private ProviderKeyStatus KeyStatus(RemoteProviderBinding binding, RemoteProviderOptions options, bool hasStored)
    {
        var storedReadable = hasStored && !store.StoredKeyUnreadable(binding.ProviderId);
        if (options.ApiKey is not { IsEmpty: false } key) return new(ProviderKeySource.None, null, hasStored && !storedReadable);
        return new(storedReadable ? ProviderKeySource.Stored : ProviderKeySource.Configuration, key.ToString(), hasStored && !storedReadable);
    }

    private void Validate(ProviderSettingsUpdate u)
    {
        if (!string.IsNullOrWhiteSpace(u.BaseUrl))
        {
            if (!Uri.TryCreate(u.BaseUrl.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                throw new ProviderSettingsException("The base URL must be an absolute http(s) address, such as https://api.example.com/.");
            try
            {
                guard.EnsureAllowed(url);
            }
            catch (UrlRefusedException e)
            {
                throw new ProviderSettingsException("The base URL is not allowed: " + e.Message);
            }
        }
        if (u.PollIntervalSeconds is { } poll && (double.IsNaN(poll) || poll < MinPollSeconds || poll > MaxPollSeconds))
            throw new ProviderSettingsException($"The poll interval must be between {MinPollSeconds} and {MaxPollSeconds} seconds.");
        if (u.RequestsPerSecond is { } rps && (double.IsNaN(rps) || rps <= 0 || rps > MaxRequestsPerSecond))
            throw new ProviderSettingsException($"Requests per second must be above 0 and at most {MaxRequestsPerSecond}.");
        if (u.Concurrency is { } n && (n < 1 || n > MaxConcurrency))
            throw new ProviderSettingsException($"Concurrency must be between 1 and {MaxConcurrency}.");
        if (u.Prices is { } prices)
        {
            if (string.IsNullOrWhiteSpace(prices.Unit) || prices.Unit.Length > 32)
                throw new ProviderSettingsException("The price unit must be a short word such as \"coins\" or \"credits\".");
            if (prices.Operations.Values.Any(p => p.PerOperation < 0 || p.PerImage < 0 || p.PerBatchItem < 0))
                throw new ProviderSettingsException("Prices cannot be negative.");
        }
        if (u.Key == KeyChange.Replace)
        {
            if (u.NewKey is not { IsEmpty: false } key)
                throw new ProviderSettingsException("Enter the new API key, or keep the current one.");
            var value = key.Reveal();
            if (value.Length > 1024 || value.Any(ch => char.IsControl(ch) || char.IsWhiteSpace(ch)))
                throw new ProviderSettingsException("The API key must be one line without spaces (at most 1024 characters).");
        }
    }

    private async Task<Dictionary<string, IReadOnlyList<ProviderSpend>>> SpendAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // SQLite has no decimal: summed as REAL, which is exact enough for coin counts.
        var rows = await db.CostEntries
            .GroupBy(c => new { c.ProviderId, c.Unit, c.Estimated, c.Unpriced })
            .Select(g => new { g.Key.ProviderId, g.Key.Unit, g.Key.Estimated, g.Key.Unpriced, Sum = g.Sum(c => (double)c.Amount), Count = g.Count() })
            .ToListAsync(cancellationToken);
        // Unpriced rows are kept apart: their 0 is not a price, so they are counted and never summed.
        return rows
            .GroupBy(r => r.ProviderId, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ProviderSpend>)g
                .GroupBy(r => r.Unit)
                .Select(u => new ProviderSpend(u.Key,
                    (decimal)u.Where(r => !r.Estimated && !r.Unpriced).Sum(r => r.Sum), u.Where(r => !r.Estimated && !r.Unpriced).Sum(r => r.Count),
                    (decimal)u.Where(r => r.Estimated && !r.Unpriced).Sum(r => r.Sum), u.Where(r => r.Estimated && !r.Unpriced).Sum(r => r.Count),
                    u.Where(r => r.Unpriced).Sum(r => r.Count)))
                .OrderBy(s => s.Unit)
                .ToList(), StringComparer.OrdinalIgnoreCase);
    }
}
