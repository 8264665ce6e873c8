using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Engine;

public static class CutoutEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the local engine as a singleton <see cref="ICutoutEngine"/>, <see cref="IImageThumbnailer"/>, <see cref="IResultEditor"/> (and
    /// <see cref="CutoutEngine"/>): one model session per process, loaded on first use, disposed with the container.
    /// </summary>
    public static IServiceCollection AddCutoutEngine(this IServiceCollection services, Action<EngineOptions>? configure = null)
    {
        var options = new EngineOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton(sp => new CutoutEngine(sp.GetRequiredService<EngineOptions>(), sp.GetService<ILogger<CutoutEngine>>()));
        services.AddSingleton<ICutoutEngine>(sp => sp.GetRequiredService<CutoutEngine>());
        services.AddSingleton<IImageThumbnailer>(sp => sp.GetRequiredService<CutoutEngine>());
        services.AddSingleton<IResultEditor>(sp => sp.GetRequiredService<CutoutEngine>());
        return services;
    }
}
