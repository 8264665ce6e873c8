using BlazorCutout.Providers;
using BlazorCutout.Providers.GptGe;
using BlazorCutout.Providers.HitPaw;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Tengr;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace BlazorCutout.Web.Admin.Providers;

/// <summary>
/// Lays an administrator's stored settings over a remote provider's bound configuration (after binding, so a stored
/// value wins), and tells <see cref="IOptionsMonitor{TOptions}"/> when they changed. The provider
/// (<see cref="ReconfigurableProvider{TOptions}"/>) then rebuilds itself: no restart.
/// </summary>
public sealed class ProviderSettingsOverrides<TOptions>(
    RemoteProviderBinding binding, ProviderSettingsStore store)
    : IPostConfigureOptions<TOptions>, IOptionsChangeTokenSource<TOptions>
    where TOptions : RemoteProviderOptions
{
    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => store.GetChangeToken(binding.ProviderId);

    public void PostConfigure(string? name, TOptions options)
    {
        if (name is not null && name != Options.DefaultName) return;
        var stored = store.Get(binding.ProviderId);
        if (stored is null) return;
        if (stored.Enabled is { } enabled) options.Enabled = enabled;
        if (stored.BaseUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var baseUrl)) options.BaseUrl = baseUrl;
        if (stored.ProtectedApiKey is not null && store.StoredKey(binding.ProviderId) is { } key) options.ApiKey = key;
        if (stored.RequestsPerSecond is { } rps) options.RequestsPerSecond = rps;
        if (stored.Concurrency is { } concurrency) options.Concurrency = concurrency;
        if (stored.PollIntervalSeconds is { } seconds) options.PollEvery(TimeSpan.FromSeconds(seconds));
        if (ProviderPrices.FromJson(stored.PricesJson) is { } prices)
        {
            options.PriceUnit = prices.Unit;
            options.Prices = prices.Operations.ToDictionary(p => p.Key, p => new OperationPriceSettings
            {
                PerOperation = p.Value.PerOperation,
                PerImage = p.Value.PerImage,
                PerBatchItem = p.Value.PerBatchItem,
            });
        }
    }
}

/// <summary>One remote provider whose settings an administrator may edit: its id, configuration section and current options.</summary>
public sealed class RemoteProviderBinding(string providerId, string section, Func<IServiceProvider, RemoteProviderOptions> current)
{
    public string ProviderId { get; } = providerId;
    /// <summary>The configuration section the provider binds from (<c>Providers:PicWish</c>).</summary>
    public string Section { get; } = section;
    /// <summary>The options in effect right now (configuration with the stored settings laid over it).</summary>
    public RemoteProviderOptions Current(IServiceProvider services) => current(services);
}

public static class ProviderSettingsServiceCollectionExtensions
{
    /// <summary>
    /// Admin-editable provider settings: the <c>ProviderSettings</c> store, the key protector and, for each remote
    /// provider, the options overrides and change tokens. A stored poll interval is a fixed cadence
    /// (<see cref="RemoteProviderOptions.PollEvery"/>).
    /// </summary>
    public static IServiceCollection AddProviderSettings(this IServiceCollection services)
    {
        services.TryAddSingleton<ProviderKeyProtector>();
        services.TryAddSingleton<ProviderSettingsStore>();
        services.AddSingleton<BlazorCutout.Web.Infrastructure.IKeyRingProtectedData>(sp => sp.GetRequiredService<ProviderSettingsStore>());
        services.AddScoped<ProviderAdmin>();
        Add<PicWishOptions>(services, PicWishProvider.ProviderId, PicWishOptions.SectionName);
        Add<GptGeOptions>(services, GptGeProvider.ProviderId, GptGeOptions.SectionName);
        Add<HitPawOptions>(services, HitPawProvider.ProviderId, HitPawOptions.SectionName);
        Add<TengrOptions>(services, TengrProvider.ProviderId, TengrOptions.SectionName);
        return services;
    }

    private static void Add<TOptions>(IServiceCollection services, string providerId, string section)
        where TOptions : RemoteProviderOptions
    {
        var binding = new RemoteProviderBinding(providerId, section, sp => sp.GetRequiredService<IOptionsMonitor<TOptions>>().CurrentValue);
        services.AddSingleton(binding);
        services.AddSingleton(sp => new ProviderSettingsOverrides<TOptions>(binding, sp.GetRequiredService<ProviderSettingsStore>()));
        services.AddSingleton<IPostConfigureOptions<TOptions>>(sp => sp.GetRequiredService<ProviderSettingsOverrides<TOptions>>());
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(sp => sp.GetRequiredService<ProviderSettingsOverrides<TOptions>>());
    }
}
