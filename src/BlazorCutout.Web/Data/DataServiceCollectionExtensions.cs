using BlazorCutout.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorCutout.Web.Data;

public static class DataServiceCollectionExtensions
{
    public static IServiceCollection AddDataStore(this IServiceCollection services, DataDirectory dataDirectory)
    {
        var connectionString = ConnectionStringFor(dataDirectory.DatabasePath);
        // The factory serves interactive components (short-lived contexts inside a long-lived circuit);
        // it also registers AppDbContext itself as scoped, for Identity's stores and request handlers.
        services.AddDbContextFactory<AppDbContext>(options => options.UseSqlite(connectionString).AddInterceptors(new SqlitePragmas())
            // A migration that rebuilds a SQLite table (AddTeams adds a foreign key to Tasks) turns foreign-key checks off
            // around the rebuild, and that pragma cannot run inside a transaction; the rebuild itself still runs in one,
            // so a crash leaves no half-migrated table. EF warns about it at every fresh install: logged as information.
            .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Information))));
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
