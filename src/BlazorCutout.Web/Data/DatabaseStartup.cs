using BlazorCutout.Web.Account;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Data;

public static class DatabaseStartup
{
    /// <summary>
    /// Brings the database to the current schema and seeds what every install needs (the roles and,
    /// if configured, an administrator). Runs before the server accepts requests.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        await EnableWriteAheadLogAsync(db, cancellationToken);
        await scope.ServiceProvider.GetRequiredService<AccountSeeder>().SeedAsync(cancellationToken);
    }

    // WAL lets the circuit's readers and the background writers work at the same time; the mode is
    // stored in the database file, so setting it once per start is enough.
    private static async Task EnableWriteAheadLogAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite refused WAL mode (journal_mode is '{mode}').");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
