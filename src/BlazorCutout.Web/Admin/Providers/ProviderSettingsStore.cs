using System.Collections.Concurrent;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Providers;
using BlazorCutout.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace BlazorCutout.Web.Admin.Providers;

/// <summary>What an administrator does with the stored key when saving.</summary>
public enum KeyChange { Keep, Replace, Clear }

/// <summary>
/// One save of a provider's settings. Null values mean "as configured". <see cref="NewKey"/> is used only with
/// <see cref="KeyChange.Replace"/>.
/// </summary>
public sealed record ProviderSettingsUpdate(
    bool? Enabled,
    string? BaseUrl,
    double? PollIntervalSeconds,
    double? RequestsPerSecond,
    int? Concurrency,
    ProviderPrices? Prices,
    KeyChange Key = KeyChange.Keep,
    Secret? NewKey = null);

/// <summary>
/// The <c>ProviderSettings</c> table, cached in memory for the options pipeline (which must not wait on the database),
/// with one change token per provider: saving fires it, <see cref="Microsoft.Extensions.Options.IOptionsMonitor{T}"/>
/// rebuilds that provider's options and the provider swaps in a new client. Singleton, thread-safe.
/// </summary>
public sealed class ProviderSettingsStore(
    IDbContextFactory<AppDbContext> dbFactory, ProviderKeyProtector protector, SqliteWriteGate writeGate, TimeProvider time,
    ILogger<ProviderSettingsStore> logger) : IKeyRingProtectedData
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _tokens = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _loadGate = new();
    private volatile IReadOnlyDictionary<string, ProviderSettingsRecord>? _snapshot;

    /// <summary>The stored settings of <paramref name="providerId"/> (a detached copy), or null.</summary>
    public ProviderSettingsRecord? Get(string providerId) =>
        Snapshot().TryGetValue(providerId, out var record) ? record : null;

    /// <summary>The decrypted stored key, for the provider's options only.</summary>
    internal Secret? StoredKey(string providerId) =>
        Get(providerId)?.ProtectedApiKey is { } cipher ? protector.TryUnprotect(cipher) : null;

    /// <summary>Whether a stored key exists but can no longer be decrypted (the key ring was lost).</summary>
    public bool StoredKeyUnreadable(string providerId) =>
        Get(providerId)?.ProtectedApiKey is { } cipher && protector.TryUnprotect(cipher) is null;

    public IChangeToken GetChangeToken(string providerId) =>
        new CancellationChangeToken(_tokens.GetOrAdd(providerId, _ => new CancellationTokenSource()).Token);

    public async Task SaveAsync(string providerId, ProviderSettingsUpdate update, string? updatedBy, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var record = await db.ProviderSettings.FirstOrDefaultAsync(s => s.ProviderId == providerId, cancellationToken);
            if (record is null)
            {
                record = new ProviderSettingsRecord { ProviderId = providerId };
                db.ProviderSettings.Add(record);
            }
            record.Enabled = update.Enabled;
            record.BaseUrl = string.IsNullOrWhiteSpace(update.BaseUrl) ? null : update.BaseUrl.Trim();
            record.PollIntervalSeconds = update.PollIntervalSeconds;
            record.RequestsPerSecond = update.RequestsPerSecond;
            record.Concurrency = update.Concurrency;
            record.PricesJson = update.Prices?.ToJson();
            switch (update.Key)
            {
                case KeyChange.Replace when update.NewKey is { IsEmpty: false } key:
                    record.ProtectedApiKey = protector.Protect(key);
                    break;
                case KeyChange.Clear:
                    record.ProtectedApiKey = null;
                    break;
            }
            record.UpdatedBy = updatedBy;
            record.UpdatedUtc = time.GetUtcNow().UtcDateTime;
            using (await writeGate.EnterAsync(cancellationToken))
                await db.SaveChangesAsync(cancellationToken);
        }
        // The key is described, never printed.
        logger.LogInformation("Provider settings of {Provider} saved by {User} (key {KeyChange})", providerId, updatedBy, update.Key);
        await ReloadAsync(providerId, cancellationToken);
    }

    /// <summary>Deletes the stored settings (the key included): the provider goes back to its configuration.</summary>
    public async Task ResetAsync(string providerId, string? updatedBy, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        using (await writeGate.EnterAsync(cancellationToken))
            await db.ProviderSettings.Where(s => s.ProviderId == providerId).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Provider settings of {Provider} reset to the configuration by {User}", providerId, updatedBy);
        await ReloadAsync(providerId, cancellationToken);
    }

    public string Description => "stored provider API keys";

    public async Task<int> ReprotectAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.ProviderSettings.AsNoTracking().Where(s => s.ProtectedApiKey != null)
            .Select(s => new { s.ProviderId, s.ProtectedApiKey }).ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var row in stored)
        {
            if (protector.Reprotect(row.ProtectedApiKey!) is not { } again) continue;
            using (await writeGate.EnterAsync(cancellationToken))
                // Only over the value read: a key an administrator saved meanwhile is already protected with the default key.
                changed += await db.ProviderSettings.Where(s => s.ProviderId == row.ProviderId && s.ProtectedApiKey == row.ProtectedApiKey)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.ProtectedApiKey, again), cancellationToken);
        }
        if (changed > 0) await ReloadAsync(cancellationToken: cancellationToken);
        return changed;
    }

    /// <summary>Re-reads every row (another process may have saved) and tells every provider to rebuild its options.</summary>
    public async Task ReloadAsync(string? providerId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.ProviderSettings.AsNoTracking().ToListAsync(cancellationToken);
        _snapshot = rows.ToDictionary(r => r.ProviderId, StringComparer.OrdinalIgnoreCase);
        foreach (var id in providerId is null ? _tokens.Keys.ToList() : [providerId]) Fire(id);
    }

    private void Fire(string providerId)
    {
        var fresh = new CancellationTokenSource();
        CancellationTokenSource? old = null;
        _tokens.AddOrUpdate(providerId, fresh, (_, existing) => { old = existing; return fresh; });
        old?.Cancel(); // IOptionsMonitor clears its cache, asks for the new token and rebuilds the options
    }

    private IReadOnlyDictionary<string, ProviderSettingsRecord> Snapshot()
    {
        if (_snapshot is { } loaded) return loaded;
        lock (_loadGate)
        {
            if (_snapshot is { } again) return again;
            try
            {
                using var db = dbFactory.CreateDbContext();
                var rows = db.ProviderSettings.AsNoTracking().ToList();
                return _snapshot = rows.ToDictionary(r => r.ProviderId, StringComparer.OrdinalIgnoreCase);
            }
            catch (SqliteException e)
            {
                // Asked before the database was migrated: configuration only for now, read again on the next question.
                logger.LogDebug(e, "Provider settings not readable yet");
                return new Dictionary<string, ProviderSettingsRecord>();
            }
        }
    }
}
