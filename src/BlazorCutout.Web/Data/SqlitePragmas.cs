using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorCutout.Web.Data;

/// <summary>
/// Per-connection SQLite settings, applied whenever EF opens a connection. <c>synchronous=NORMAL</c> is SQLite's
/// recommended setting in WAL mode: commits no longer wait for an fsync of the log (checkpoints still do), so a power
/// cut can lose the last few commits but never corrupts the database. With FULL every state change of every task
/// waited for the disk, which capped the task pipeline far below its target.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
