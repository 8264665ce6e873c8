using System.Text.Json.Serialization;
using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Budgets;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Tasks.Callbacks;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Tasks.TouchUp;
using BlazorCutout.Web.Tasks.UrlFetch;
using BlazorCutout.Web.Tasks.Worker;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tasks;

public static class TaskServiceCollectionExtensions
{
    /// <summary>
    /// The task pipeline: local engine and provider layer (unless already registered), asset store and its orphan sweep, signed public URLs,
    /// <see cref="ITaskService"/>, <see cref="ITaskEvents"/> + SignalR hub, and the background <see cref="TaskWorker"/>.
    /// Settings: <c>BlazorCutout:Tasks</c>, <c>BlazorCutout:Engine</c>, <c>BlazorCutout:PublicBaseUrl</c>, <c>Providers:*</c>.
    /// </summary>
    public static IServiceCollection AddTasks(this IServiceCollection services, IConfiguration configuration, DataDirectory dataDirectory)
    {
        services.AddOptions<TaskOptions>().Bind(configuration.GetSection(TaskOptions.Section));
        services.AddOptions<UrlFetchOptions>()
            .Bind(configuration.GetSection(UrlFetchOptions.Section))
            .PostConfigure(o => o.Directory = string.IsNullOrWhiteSpace(o.Directory) ? Path.Combine(dataDirectory.Path, "fetch") : o.Directory)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UrlFetchOptions>, UrlFetchOptionsValidation>());

        if (!services.Any(d => d.ServiceType == typeof(ICutoutEngine)))
        {
            services.AddCutoutEngine(options =>
            {
                var section = configuration.GetSection(EngineOptions.SectionName);
                section.Bind(options);
                // Default: <data>/engine, unless configured (the cutout script exports the repository's data/engine).
                if (string.IsNullOrWhiteSpace(section["AssetsDirectory"])
                    && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EngineOptions.AssetsDirectoryVariable)))
                    options.AssetsDirectory = Path.Combine(dataDirectory.Path, "engine");
            });
        }
        if (!services.Any(d => d.ServiceType == typeof(ProviderRegistry)))
            services.AddCutoutProviders(configuration);

        services.TryAddSingleton<IAssetStore, FileSystemAssetStore>();
        services.TryAddSingleton<IThumbnailMaker, EngineThumbnailMaker>();
        services.TryAddSingleton<OrphanFileSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<OrphanFileSweep>());
        services.TryAddSingleton<AssetUrlSigner>();
        services.TryAddSingleton<CallbackUrls>();
        services.TryAddSingleton<TaskSignal>();
        services.TryAddSingleton<TaskNotifier>();
        services.TryAddSingleton<ITaskEvents>(sp => sp.GetRequiredService<TaskNotifier>());
        services.AddHostedService(sp => sp.GetRequiredService<TaskNotifier>());
        if (!services.Any(d => d.ServiceType == typeof(BudgetService)))
            services.AddBudgets(); // TaskService checks them before queuing
        services.TryAddSingleton<UrlFetchGate>();
        services.TryAddSingleton<UrlImageFetcher>();
        services.TryAddSingleton<TaskService>();
        services.TryAddSingleton<ITaskService>(sp => sp.GetRequiredService<TaskService>());
        services.TryAddSingleton<ResultTouchUps>();
        services.TryAddSingleton<ITouchUpAccess>(sp => sp.GetRequiredService<ResultTouchUps>());

        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var runWorker = configuration.GetSection(TaskOptions.Section).GetValue(nameof(TaskOptions.RunWorker), true);
        if (runWorker)
        {
            services.TryAddSingleton<TaskWorker>();
            services.AddHostedService(sp => sp.GetRequiredService<TaskWorker>());
        }
        return services;
    }

    /// <summary>The hub (<c>/hubs/tasks</c>), the asset endpoints and the touch-up endpoint.</summary>
    public static IEndpointRouteBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        // WebSockets only: a WebSocket is one request, authenticated once, so the connection is bound to that user for
        // its life. Long polling would accept any later request that presents the connection's ?id=, whoever sends it.
        app.MapHub<TaskHub>(TaskHub.Path, options => options.Transports = HttpTransportType.WebSockets).RequireSignedInApi();
        app.MapAssetEndpoints();
        app.MapCallbackEndpoints();
        app.MapTouchUpEndpoints();
        return app;
    }
}
