using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Data;

/// <summary>
/// An install made by an earlier version must upgrade in place: its database is brought to the last migration that
/// version shipped, filled the way that version filled it (plain SQL on that schema, not today's model), and then the
/// app starts on it and migrates it as it does at every start.
/// </summary>
public sealed class MigrationUpgradeTests
{
    // The last migration of the version before dotnet-ef became the tool (tools/MigrationScaffolder's history).
    private const string PreviousVersionLastMigration = "20261121220406_AddTaskNote";
    private const string UserId = "3b1f0a52-0000-4000-8000-000000000001";
    private const string Email = "old-install@example.test";
    private const string Password = "Old-Install-Passw0rd!";
    private static readonly Guid TaskId = Guid.Parse("7d0c6f62-0000-4000-8000-000000000002");
    private static readonly Guid SourceId = Guid.Parse("7d0c6f62-0000-4000-8000-000000000003");
    private static readonly Guid ResultId = Guid.Parse("7d0c6f62-0000-4000-8000-000000000004");

    [Fact]
    public async Task A_database_of_the_previous_version_upgrades_in_place_with_its_rows_intact()
    {
        using var app = new AppFactory();
        var databasePath = Path.Combine(app.DataDirectory, DataDirectory.DatabaseFileName);
        await CreatePreviousVersionDatabaseAsync(databasePath);

        // The app's own start-up (PrepareDatabaseAsync) runs here.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());

        var user = await db.Users.SingleAsync(u => u.Id == UserId);
        Assert.Equal(Email, user.Email);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await users.CheckPasswordAsync(user, Password));
        Assert.True(await users.IsInRoleAsync(user, "Admin"));

        var task = await db.Tasks.SingleAsync(t => t.Id == TaskId);
        Assert.Equal("local", task.ProviderId);
        Assert.Equal("a note from the old version", task.Note);
        Assert.Equal([SourceId, ResultId], await db.Assets.Where(a => a.OwnerId == UserId).OrderBy(a => a.CreatedUtc).Select(a => a.Id).ToListAsync());
        var cost = await db.CostEntries.SingleAsync(c => c.TaskId == TaskId);
        Assert.Equal(1.25m, cost.Amount);
        Assert.Equal(new DateOnly(2026, 11, 22), cost.Day);

        // And the upgraded install still works as a whole: its user signs in.
        using var browser = app.CreateBrowser();
        using var login = await browser.LoginAsync(Email, Password);
        HttpAssert.RedirectsTo(login, "/studio");
    }

    [Fact]
    public async Task Shares_made_before_the_gallery_kept_file_names_are_found_by_their_source_file_name()
    {
        using var app = new AppFactory();
        var databasePath = Path.Combine(app.DataDirectory, DataDirectory.DatabaseFileName);
        await CreatePreviousVersionDatabaseAsync(databasePath);
        // Then the version with teams: the task is shared to a team, with no file name on the share row.
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(DataServiceCollectionExtensions.ConnectionStringFor(databasePath)).Options;
        await using (var old = new AppDbContext(options))
        {
            await old.GetService<IMigrator>().MigrateAsync("20261204184500_AddUnpricedCosts");
            await old.Database.ExecuteSqlRawAsync("""
                INSERT INTO Teams (Id, Name, NormalizedName, CreatedUtc) VALUES ('7D0C6F62-0000-4000-8000-0000000000AA', 'Old team', 'OLD TEAM', '2026-12-01 10:00:00');
                INSERT INTO TeamMemberships (TeamId, UserId, Role, AddedUtc) VALUES ('7D0C6F62-0000-4000-8000-0000000000AA', {0}, 'Member', '2026-12-01 10:00:00');
                INSERT INTO TeamShares (TaskId, TeamId, OwnerId, SharedById, SharedUtc) VALUES ({1}, '7D0C6F62-0000-4000-8000-0000000000AA', {0}, {0}, '2026-12-01 10:00:00');
                """, UserId, TaskId.ToString().ToUpperInvariant());
        }
        SqliteConnection.ClearAllPools();

        await using var scope = app.Services.CreateAsyncScope();
        var gallery = scope.ServiceProvider.GetRequiredService<BlazorCutout.Web.Gallery.GalleryService>();
        var found = await gallery.PageAsync(UserId, new BlazorCutout.Web.Teams.GalleryQuery(Search: "IN.p"));
        Assert.Equal(TaskId, Assert.Single(found.Items).TaskId);
        Assert.Equal("in.png", found.Items[0].FileName);
        Assert.Empty((await gallery.PageAsync(UserId, new BlazorCutout.Web.Teams.GalleryQuery(Search: "out.png"))).Items);
    }

    private static async Task CreatePreviousVersionDatabaseAsync(string databasePath)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(DataServiceCollectionExtensions.ConnectionStringFor(databasePath)).Options;
        await using (var db = new AppDbContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync(PreviousVersionLastMigration);
            Assert.Contains(PreviousVersionLastMigration, await db.Database.GetAppliedMigrationsAsync());
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync()); // else this test would upgrade nothing
        }

        var hash = new PasswordHasher<AppUser>().HashPassword(new AppUser(), Password);
        await using var connection = new SqliteConnection(DataServiceCollectionExtensions.ConnectionStringFor(databasePath));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO AspNetRoles (Id, Name, NormalizedName, ConcurrencyStamp) VALUES ('role-admin', 'Admin', 'ADMIN', 'x');
            INSERT INTO AspNetUsers (Id, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, PasswordHash,
                SecurityStamp, ConcurrencyStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount, CreatedUtc)
            VALUES ($user, $email, upper($email), $email, upper($email), 0, $hash, 'STAMP', 'c', 0, 0, 1, 0, '2026-11-22 09:00:00');
            INSERT INTO AspNetUserRoles (UserId, RoleId) VALUES ($user, 'role-admin');
            INSERT INTO Assets (Id, OwnerId, TaskId, Role, "Index", ContentType, FileName, Width, Height, Bytes, Sha256, StorageKey, CreatedUtc)
            VALUES ($source, $user, NULL, 'Source', 0, 'image/png', 'in.png', 10, 10, 100, 'aa', 'src/key', '2026-11-22 10:00:00'),
                   ($result, $user, $task, 'Result', 0, 'image/png', 'out.png', 10, 10, 90, 'bb', 'res/key', '2026-11-22 10:00:05');
            INSERT INTO Tasks (Id, OwnerId, ProviderId, Operation, OptionsJson, SourceAssetId, State, Attempts, PollCount,
                CostEstimated, CreatedUtc, CancelRequested, DueAtMs, Note)
            VALUES ($task, $user, 'local', 'RemoveBackground', '{}', $source, 'Succeeded', 1, 0, 0, '2026-11-22 10:00:00', 0, 0,
                'a note from the old version');
            INSERT INTO CostEntries (TaskId, UserId, ProviderId, Operation, Amount, Unit, Estimated, Day, RecordedUtc)
            VALUES ($task, $user, 'local', 'RemoveBackground', '1.25', 'USD', 0, '2026-11-22', '2026-11-22 10:00:05');
            """;
        command.Parameters.AddWithValue("$user", UserId);
        command.Parameters.AddWithValue("$email", Email);
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$task", TaskId.ToString().ToUpperInvariant());
        command.Parameters.AddWithValue("$source", SourceId.ToString().ToUpperInvariant());
        command.Parameters.AddWithValue("$result", ResultId.ToString().ToUpperInvariant());
        await command.ExecuteNonQueryAsync();
        SqliteConnection.ClearPool(connection);
    }
}
