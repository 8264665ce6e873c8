using BlazorCutout.Providers.GptGe;
using BlazorCutout.Providers.HitPaw;
using BlazorCutout.Providers.Local;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using BlazorCutout.Providers.Tengr;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Providers;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the provider layer: URL guard (<c>Security:UrlGuard</c>), guarded downloader, per-provider HTTP pipelines,
    /// the local engine provider (<c>Providers:Local</c>) and the <see cref="ProviderRegistry"/>.
    /// The local provider needs an <see cref="Engine.ICutoutEngine"/>, registered by the engine's own DI root.
    /// The remote providers (<c>Providers:PicWish</c>, <c>:GptGe</c>, <c>:HitPaw</c>, <c>:Tengr</c>) are added with <see cref="AddRemoteProvider{TOptions, TProvider}"/>.
    /// </summary>
    public static IServiceCollection AddCutoutProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UrlGuardOptions>().Bind(configuration.GetSection(UrlGuardOptions.SectionName));
        services.AddOptions<LocalProviderOptions>().Bind(configuration.GetSection(LocalProviderOptions.SectionName));

        services.TryAddSingleton(sp => new UrlGuard(sp.GetRequiredService<IOptions<UrlGuardOptions>>()));
        services.TryAddSingleton(sp => new SafeHttpHandlerFactory(sp.GetRequiredService<UrlGuard>()));
        services.TryAddSingleton(sp => new SafeDownloader(sp.GetRequiredService<SafeHttpHandlerFactory>(), sp.GetService<ILogger<SafeDownloader>>()));
        services.TryAddSingleton(sp => new ProviderHttpClientFactory(sp.GetRequiredService<SafeHttpHandlerFactory>(), sp.GetService<ILoggerFactory>()));

        services.AddCutoutProvider<LocalEngineProvider>();
        // Always listed; without an ApiKey (or with Enabled=false) each shows as unavailable with the reason.
        services.AddRemoteProvider<PicWishOptions, PicWishProvider>(configuration, PicWishProvider.ProviderId);
        services.AddRemoteProvider<GptGeOptions, GptGeProvider>(configuration, GptGeProvider.ProviderId);
        services.AddRemoteProvider<HitPawOptions, HitPawProvider>(configuration, HitPawProvider.ProviderId); // URL-only
        services.AddRemoteProvider<TengrOptions, TengrProvider>(configuration, TengrProvider.ProviderId);    // URL-only
        services.TryAddSingleton<ProviderRegistry>();
        return services;
    }

    /// <summary>Adds one provider implementation (idempotent per type).</summary>
    public static IServiceCollection AddCutoutProvider<TProvider>(this IServiceCollection services) where TProvider : class, ICutoutProvider
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICutoutProvider, TProvider>());
        return services;
    }

    /// <summary>
    /// Binds <c>Providers:&lt;providerId&gt;</c> (section names are case-insensitive: <c>Providers:PicWish</c> is
    /// <c>Providers:picwish</c>), with the public base URL falling back to the top-level setting
    /// (<see cref="PublicBaseUrlSetting"/>), and adds the provider with <see cref="AddReconfigurableProvider{TOptions, TProvider}"/>.
    /// </summary>
    public static IServiceCollection AddRemoteProvider<TOptions, TProvider>(this IServiceCollection services, IConfiguration configuration, string providerId)
        where TOptions : RemoteProviderOptions
        where TProvider : class, ICutoutProvider
    {
        services.AddOptions<TOptions>()
            .Bind(configuration.ProviderSection(providerId))
            .PostConfigure(o => o.PublicBaseUrl ??= PublicBaseUrlSetting.Read(configuration));
        return services.AddReconfigurableProvider<TOptions, TProvider>();
    }

    /// <summary>
    /// Adds a remote provider whose settings may change while the app runs: a <see cref="ReconfigurableProvider{TOptions}"/>
    /// that builds a fresh <typeparamref name="TProvider"/> from <see cref="IOptionsMonitor{TOptions}"/> whenever the options
    /// change (idempotent per options type). The provider's constructor keeps taking <see cref="IOptions{TOptions}"/>.
    /// </summary>
    public static IServiceCollection AddReconfigurableProvider<TOptions, TProvider>(this IServiceCollection services)
        where TOptions : RemoteProviderOptions
        where TProvider : class, ICutoutProvider
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICutoutProvider, ReconfigurableProvider<TOptions>>(sp =>
            new ReconfigurableProvider<TOptions>(
                sp.GetRequiredService<IOptionsMonitor<TOptions>>(),
                options => ActivatorUtilities.CreateInstance<TProvider>(sp, Options.Create(options)),
                sp.GetService<ILoggerFactory>()?.CreateLogger("BlazorCutout.Providers." + typeof(TProvider).Name))));
        return services;
    }

    /// <summary>The configuration section of one provider: <c>Providers:&lt;Id&gt;</c>.</summary>
    public static IConfigurationSection ProviderSection(this IConfiguration configuration, string providerId) =>
        configuration.GetSection($"Providers:{providerId}");
}
