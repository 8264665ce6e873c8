using BlazorCutout.Web.Gallery;

namespace BlazorCutout.Web.Teams;

public static class TeamsServiceCollectionExtensions
{
    /// <summary>Teams and their members, sharing and tags, the gallery's reads, and the hub's per-team groups.</summary>
    public static IServiceCollection AddTeams(this IServiceCollection services)
    {
        services.AddSingleton<TeamHubGroups>();
        services.AddSingleton<TeamDirectory>();
        services.AddSingleton<IMyTeams>(sp => sp.GetRequiredService<TeamDirectory>());
        services.AddSingleton<TeamSharing>();
        services.AddSingleton<ITeamSharing>(sp => sp.GetRequiredService<TeamSharing>());
        services.AddSingleton<GalleryService>();
        return services;
    }
}
