using System.Data.Common;
using BlazorCutout.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// The leases one worker holds on tasks: claiming due tasks, renewing and handing them back. A lease is the right to
/// write a task's row; it lapses by itself when its worker stops renewing it (a crash), so another worker can resume.
/// The owner id is the worker's <see cref="WorkerIdentity"/>: when it is kept from an earlier run, that run's leftover
/// leases are taken back at start (<see cref="ReclaimLeftoversAsync"/>) rather than waited out.
/// </summary>
internal sealed class TaskLeases(
    IDbContextFactory<AppDbContext> dbFactory, SqliteWriteGate writeGate, TimeProvider time, TaskOptions options, ILogger logger, string ownerId)
{
    private const string ActiveStates = "('Queued','Submitting','Processing','Downloading')";

    public string OwnerId { get; } = ownerId;

    /// <summary>
    /// One statement claims, for every provider at once, as many due tasks as its free concurrency allows (oldest due
    /// first). SQLite runs it as one write transaction, so two workers can never claim the same task.
    /// </summary>
    public async Task<List<(Guid Id, string ProviderId)>> ClaimAsync(IReadOnlyList<(string ProviderId, int Free)> free, CancellationToken ct)
    {
        var now = NowMs();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var cases = new System.Text.StringBuilder();
        var inList = new System.Text.StringBuilder();
        for (var i = 0; i < free.Count; i++)
        {
            cases.Append($" WHEN $p{i} THEN $n{i}");
            inList.Append(i == 0 ? $"$p{i}" : $", $p{i}");
            Add(command, $"$p{i}", free[i].ProviderId);
            Add(command, $"$n{i}", free[i].Free);
        }
        command.CommandText = $"""
            UPDATE "Tasks" SET "LeaseOwner" = $owner, "LeaseUntilMs" = $until
            WHERE "Id" IN (
                SELECT "Id" FROM (
                    SELECT "Id", "ProviderId", ROW_NUMBER() OVER (PARTITION BY "ProviderId" ORDER BY "DueAtMs", "Id") AS "Rank"
                    FROM "Tasks"
                    WHERE "State" IN {ActiveStates} AND "DueAtMs" <= $now
                      AND ("LeaseUntilMs" IS NULL OR "LeaseUntilMs" < $now)
                      AND "ProviderId" IN ({inList}))
                WHERE "Rank" <= CASE "ProviderId"{cases} ELSE 0 END)
            RETURNING "Id", "ProviderId";
            """;
        Add(command, "$owner", OwnerId);
        Add(command, "$until", now + (long)options.LeaseDuration.TotalMilliseconds);
        Add(command, "$now", now);
        var claimed = new List<(Guid Id, string ProviderId)>();
        using (await writeGate.EnterAsync(ct))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) claimed.Add((reader.GetGuid(0), reader.GetString(1)));
        return claimed;
    }

    /// <summary>When (Unix ms) the earliest active task not held by this worker becomes claimable: due, and any lease run out. Null when there is none.</summary>
    public async Task<long?> NextClaimableAtMsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT MIN(CASE WHEN "LeaseUntilMs" IS NOT NULL AND "LeaseUntilMs" > "DueAtMs" THEN "LeaseUntilMs" ELSE "DueAtMs" END)
            FROM "Tasks" WHERE "State" IN {ActiveStates} AND ("LeaseOwner" IS NULL OR "LeaseOwner" <> $owner);
            """;
        Add(command, "$owner", OwnerId);
        var result = await command.ExecuteScalarAsync(ct);
        return result is null or DBNull ? null : Convert.ToInt64(result);
    }

    /// <summary>Extends every lease this worker holds by one lease duration.</summary>
    public async Task RenewAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var until = NowMs() + (long)options.LeaseDuration.TotalMilliseconds;
        using var write = await writeGate.EnterAsync(ct);
        await db.Tasks.Where(t => t.LeaseOwner == OwnerId).ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseUntilMs, until), ct);
    }

    /// <summary>
    /// Called once at start, before the first claim, and only with a kept identity: every lease under our id then
    /// belongs to our previous run, which is dead (the identity's file lock says so). Handing them back makes those
    /// tasks due at once; the steps keep their usual safety (a saved provider task id is polled, never resubmitted).
    /// </summary>
    public async Task<int> ReclaimLeftoversAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        using var write = await writeGate.EnterAsync(ct);
        return await ClearOwnLeasesAsync(db, ct);
    }

    public async Task ReleaseAllAsync()
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            using var write = await writeGate.EnterAsync();
            await ClearOwnLeasesAsync(db, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Task worker: could not hand back its leases; they expire by themselves");
        }
    }

    private Task<int> ClearOwnLeasesAsync(AppDbContext db, CancellationToken ct) =>
        db.Tasks.Where(t => t.LeaseOwner == OwnerId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, (string?)null).SetProperty(t => t.LeaseUntilMs, (long?)null), ct);

    /// <summary>Gives a task back without changing its state (used when a step ended without deciding).</summary>
    public async Task ReleaseAsync(Guid taskId, TimeSpan delay)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var due = NowMs() + (long)delay.TotalMilliseconds;
            using var write = await writeGate.EnterAsync();
            await db.Tasks.Where(t => t.Id == taskId && t.LeaseOwner == OwnerId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.LeaseOwner, (string?)null)
                    .SetProperty(t => t.LeaseUntilMs, (long?)null)
                    .SetProperty(t => t.DueAtMs, due));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Task {TaskId}: could not hand back its lease; it expires by itself", taskId);
        }
    }

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
