using BlazorCutout.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Data;

public static class DataServiceCollectionExtensions
{
    public static IServiceCollection AddDataStore(this IServiceCollection services, DataDirectory dataDirectory)
    {
        var connectionString = ConnectionStringFor(dataDirectory.DatabasePath);
        // The factory serves interactive components (short-lived contexts inside a long-lived circuit);
        // it also registers AppDbContext itself as scoped, for Identity's stores and request handlers.
        services.AddDbContextFactory<AppDbContext>(options => options.UseSqlite(connectionString).AddInterceptors(new SqlitePragmas()));
        services.AddSingleton<SqliteWriteGate>();
        services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database");
        return services;
    }

    public static string ConnectionStringFor(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        // Seconds a command waits on a locked database (a writer in another connection) before failing.
        DefaultTimeout = 30,
    }.ToString();
}
