using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Data;

public sealed class DatabaseTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public void The_model_has_no_changes_missing_from_the_migrations()
    {
        // Fails when an entity or mapping changed without a migration (README: "add a migration").
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options;
        using var db = new AppDbContext(options);

        Assert.False(db.Database.HasPendingModelChanges(), "AppDbContext changed: add a migration (dotnet tool run dotnet-ef migrations add <Name> --project src/BlazorCutout.Web).");
    }

    [Fact]
    public async Task Start_up_applies_every_migration_to_a_sqlite_file_in_the_data_directory_in_wal_mode()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, DataDirectory.DatabaseFileName)));

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Both_roles_exist_after_start_up()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var roles = await db.Roles.Select(r => r.Name).OrderBy(n => n).ToListAsync();

        Assert.Equal(["Admin", "Member"], roles);
    }
}
