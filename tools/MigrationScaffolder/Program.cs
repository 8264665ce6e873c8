using BlazorCutout.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.EntityFrameworkCore.Sqlite.Design.Internal;
using Microsoft.Extensions.DependencyInjection;

// Writes <timestamp>_<Name>.cs, its .Designer.cs and an updated AppDbContextModelSnapshot.cs into
// src/BlazorCutout.Web/Data/Migrations, exactly as `dotnet ef migrations add <Name>` would.
if (args.Length != 1 || !System.Text.RegularExpressions.Regex.IsMatch(args[0], "^[A-Z][A-Za-z0-9]*$"))
{
    Console.Error.WriteLine("usage: dotnet run --project tools/MigrationScaffolder -- <MigrationName in PascalCase>");
    return 2;
}

var webProject = FindWebProject();
var outputDirectory = Path.Combine(webProject, "Data", "Migrations");

// The model does not depend on the connection; an in-memory database keeps the tool side-effect free.
var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options;
await using var context = new AppDbContext(options);

var services = new ServiceCollection()
    .AddEntityFrameworkDesignTimeServices()
    .AddDbContextDesignTimeServices(context);
new SqliteDesignTimeServices().ConfigureDesignTimeServices(services);
await using var provider = services.BuildServiceProvider();

if (!context.Database.HasPendingModelChanges())
{
    Console.Error.WriteLine("The model has no changes since the last migration; nothing to scaffold.");
    return 1;
}

var scaffolder = provider.GetRequiredService<IMigrationsScaffolder>();
var migration = scaffolder.ScaffoldMigration(args[0], rootNamespace: "BlazorCutout.Web", subNamespace: "Data.Migrations", language: "C#");
var files = scaffolder.Save(webProject, migration, outputDirectory);
Console.WriteLine($"Wrote {Path.GetRelativePath(Environment.CurrentDirectory, files.MigrationFile!)}");
Console.WriteLine($"Wrote {Path.GetRelativePath(Environment.CurrentDirectory, files.MetadataFile!)}");
Console.WriteLine($"Wrote {Path.GetRelativePath(Environment.CurrentDirectory, files.SnapshotFile!)}");
return 0;

static string FindWebProject()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "BlazorCutout.sln")))
            return Path.Combine(dir.FullName, "src", "BlazorCutout.Web");
    }
    throw new DirectoryNotFoundException("BlazorCutout.sln not found above " + AppContext.BaseDirectory);
}
