using BlazorCutout.Providers.GptGe;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// Registers PicWish (<c>Providers:PicWish</c>) and gpt.ge (<c>Providers:GptGe</c>). Both are always listed; without an
/// ApiKey (or with Enabled=false) they show as unavailable with the reason. Called by <c>AddCutoutProviders</c>.
/// </summary>
public static class PicWishFamilyRegistration
{
    public static IServiceCollection AddPicWishFamilyProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PicWishOptions>().Bind(configuration.GetSection(PicWishOptions.SectionName));
        services.AddOptions<GptGeOptions>().Bind(configuration.GetSection(GptGeOptions.SectionName));
        services.AddReconfigurableProvider<PicWishOptions, PicWishProvider>();
        services.AddReconfigurableProvider<GptGeOptions, GptGeProvider>();
        return services;
    }
}
