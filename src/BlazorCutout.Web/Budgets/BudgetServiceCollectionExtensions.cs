namespace BlazorCutout.Web.Budgets;

public static class BudgetServiceCollectionExtensions
{
    /// <summary>Budgets per user and team: their usage count and the check <c>TaskService</c> makes before queuing.</summary>
    public static IServiceCollection AddBudgets(this IServiceCollection services)
    {
        services.AddSingleton<BudgetUsage>();
        services.AddSingleton<BudgetService>();
        return services;
    }
}
