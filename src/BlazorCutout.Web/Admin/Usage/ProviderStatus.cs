using BlazorCutout.Providers;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Web.Admin.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Admin.Usage;

/// <summary>The last task a provider failed, from the tasks table: it outlives a restart, unlike the breaker's memory.</summary>
public sealed record LastFailedTask(string Message, DateTime AtUtc);

/// <summary>One row of the provider status panel.</summary>
public sealed record ProviderStatusView(ProviderAdminView Provider, ProviderHealthSnapshot Health, LastFailedTask? LastFailedTask)
{
    public string Id => Provider.Id;

    /// <summary>The newer of the last outage the breaker saw and the last failed task, with its time; null when neither.</summary>
    public (string Text, DateTimeOffset At)? LastError
    {
        get
        {
            (string Text, DateTimeOffset At)? outage = Health.LastFailureAt is { } at ? ($"{Health.LastFailure} (no answer or a server error)", at) : null;
            (string Text, DateTimeOffset At)? task = LastFailedTask is { } t ? (t.Message, new DateTimeOffset(DateTime.SpecifyKind(t.AtUtc, DateTimeKind.Utc))) : null;
            if (outage is null) return task;
            if (task is null) return outage;
            return outage.Value.At >= task.Value.At ? outage : task;
        }
    }
}

/// <summary>The provider status panel's source (an interface so the panel can be rendered alone in tests).</summary>
public interface IProviderStatus
{
    Task<IReadOnlyList<ProviderStatusView>> ListAsync(CancellationToken cancellationToken = default);

    Task<ConnectionTestResult> TestConnectionAsync(string providerId, CancellationToken cancellationToken = default);
}

/// <summary>
/// What /admin/usage shows of each remote provider (issue #12 item 2): its settings and account hold (<see cref="ProviderAdmin"/>),
/// its circuit breaker and last outage (<see cref="ProviderHttpClientFactory.Health"/>), its last failed task, and the
/// connection test each service allows (docs/provider-status.md).
/// </summary>
public sealed class ProviderStatus(ProviderAdmin admin, ProviderHttpClientFactory http, ProviderRegistry registry,
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock) : IProviderStatus
{
    public async Task<IReadOnlyList<ProviderStatusView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var providers = await admin.ListAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var views = new List<ProviderStatusView>(providers.Count);
        foreach (var provider in providers)
        {
            // One small query per provider (there are four): the newest failure, by the index on the provider's tasks.
            var last = await db.Tasks.AsNoTracking()
                .Where(t => t.ProviderId == provider.Id && t.State == CutoutTaskState.Failed && t.CompletedUtc != null)
                .OrderByDescending(t => t.CompletedUtc)
                .Select(t => new LastFailedTask(t.ErrorMessage ?? t.ErrorCode ?? "failed", t.CompletedUtc!.Value))
                .FirstOrDefaultAsync(cancellationToken);
            views.Add(new ProviderStatusView(provider, http.Health(provider.Id), last));
        }
        return views;
    }

    /// <summary>The provider's one cheap, non-charging call, or its reason for having none.</summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(string providerId, CancellationToken cancellationToken = default)
    {
        if (!registry.TryGet(providerId, out var provider))
            return new ConnectionTestResult(ConnectionTestOutcome.Failed, $"There is no provider '{providerId}'.", clock.GetUtcNow());
        if (provider is not IProviderConnectionTest test)
            return new ConnectionTestResult(ConnectionTestOutcome.NotOffered, $"{provider.Descriptor.DisplayName} offers no connection test.", clock.GetUtcNow());
        return await test.TestConnectionAsync(cancellationToken);
    }
}
