namespace BlazorCutout.Web.Admin;

public static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddScoped<AdminDirectory>();
        return services;
    }
}
