using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Providers.HitPaw;

public static class HitPawServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Providers:HitPaw</c> (the public base URL falls back to the top-level setting, see
    /// <see cref="PublicBaseUrlSetting"/>) and registers <see cref="HitPawProvider"/>. Call after <c>AddCutoutProviders</c>.
    /// </summary>
    public static IServiceCollection AddHitPawProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HitPawOptions>()
            .Bind(configuration.ProviderSection(HitPawProvider.ProviderId))
            .PostConfigure(o => o.PublicBaseUrl ??= PublicBaseUrlSetting.Read(configuration));
        return services.AddReconfigurableProvider<HitPawOptions, HitPawProvider>();
    }
}
