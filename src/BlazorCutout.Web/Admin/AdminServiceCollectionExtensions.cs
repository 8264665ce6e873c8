namespace BlazorCutout.Web.Admin;

public static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddScoped<AdminDirectory>();
        services.AddSingleton<Usage.UsageReporter>();
        services.AddSingleton<Usage.BudgetTargets>();
        services.AddScoped<Usage.IProviderStatus, Usage.ProviderStatus>();
        services.AddScoped<Users.UserAdmin>();
        return services;
    }
}
