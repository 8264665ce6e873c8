using BlazorCutout.Providers;
using BlazorCutout.Providers.Resilience;

namespace BlazorCutout.Web.Tasks;

/// <summary>Paces steps by each provider's current rate (an administrator may change it while the app runs).</summary>
internal sealed class ProviderPacer : IDisposable
{
    private readonly Dictionary<string, ProviderRateLimiter> _limiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ProviderRateLimiter> _retiredLimiters = [];

    public ProviderPacer(ProviderRegistry registry)
    {
        foreach (var p in registry.All)
            if (p.Descriptor.Rate.RequestsPerSecond is > 0)
                _limiters[p.Descriptor.Id] = new ProviderRateLimiter(p.Descriptor.Id, p.Descriptor.Rate);
    }

    /// <summary>Waits for a slot of the provider's rate; null when it has no limit.</summary>
    public async ValueTask<IDisposable?> PaceAsync(ProviderDescriptor d, CancellationToken ct)
    {
        ProviderRateLimiter? limiter;
        lock (_limiters)
        {
            _limiters.TryGetValue(d.Id, out limiter);
            if (limiter is not null && limiter.Rate != d.Rate)
            {
                _retiredLimiters.Add(limiter); // steps holding its slots release them into it
                limiter = null;
            }
            if (limiter is null && d.Rate.RequestsPerSecond is > 0)
                _limiters[d.Id] = limiter = new ProviderRateLimiter(d.Id, d.Rate);
            else if (limiter is null)
                _limiters.Remove(d.Id);
        }
        return limiter is null ? null : await limiter.AcquireAsync(ct);
    }

    public void Dispose()
    {
        foreach (var l in _limiters.Values.Concat(_retiredLimiters)) l.Dispose();
    }
}
