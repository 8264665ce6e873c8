using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Providers.Tengr;

public static class TengrServiceCollectionExtensions
{
    /// <summary>Binds <c>Providers:Tengr</c> (public base URL falls back to the top-level setting) and registers <see cref="TengrProvider"/>.</summary>
    public static IServiceCollection AddTengrProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TengrOptions>()
            .Bind(configuration.ProviderSection(TengrProvider.ProviderId))
            .PostConfigure(o => o.PublicBaseUrl ??= PublicBaseUrlSetting.Read(configuration));
        return services.AddReconfigurableProvider<TengrOptions, TengrProvider>();
    }
}
