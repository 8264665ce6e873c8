using BlazorCutout.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Design.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.EntityFrameworkCore.Migrations.Internal;
using Microsoft.EntityFrameworkCore.Sqlite.Design.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
// See FinalizedSnapshotModelProcessor below: without it the scaffolder diffs against an empty model.
services.Replace(ServiceDescriptor.Describe(
    typeof(ISnapshotModelProcessor), typeof(FinalizedSnapshotModelProcessor),
    services.Single(d => d.ServiceType == typeof(ISnapshotModelProcessor)).Lifetime));
await using var provider = services.BuildServiceProvider();

if (!context.Database.HasPendingModelChanges())
{
    Console.Error.WriteLine("The model has no changes since the last migration; nothing to scaffold.");
    return 1;
}

// Guard: the migration is the difference from the compiled snapshot; never scaffold against a snapshot that failed to load.
var snapshot = context.GetService<IMigrationsAssembly>().ModelSnapshot;
if (snapshot is not null && provider.GetRequiredService<ISnapshotModelProcessor>().Process(snapshot.Model) is null)
{
    Console.Error.WriteLine($"{snapshot.GetType().FullName} could not be loaded; refusing to write a migration that would re-create every table.");
    return 3;
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

/// <summary>
/// EF Core Design 9.0.22's <see cref="SnapshotModelProcessor.Process"/> returns null for a model that is already
/// finalized (read-only) — and <see cref="ModelSnapshot.Model"/> always is. <c>MigrationsScaffolder</c> then diffs the
/// current model against "no model" and the migration re-creates every table (the snapshot it writes is still right,
/// because that comes from the current model alone). A finalized snapshot needs none of the processor's upgrades of
/// old (1.x-3.x, mutable) snapshots, only the runtime initialization that <c>Process</c> ends with; that is done here.
/// </summary>
internal sealed class FinalizedSnapshotModelProcessor : SnapshotModelProcessor
{
    private readonly IModelRuntimeInitializer _initializer;

    public FinalizedSnapshotModelProcessor(IOperationReporter reporter, IModelRuntimeInitializer initializer)
        : base(reporter, initializer)
        => _initializer = initializer;

    public override IModel? Process(IReadOnlyModel? model, bool resetVersion = false)
        => model is IModel finalized && model is not Microsoft.EntityFrameworkCore.Metadata.Internal.Model { IsReadOnly: false }
            ? _initializer.Initialize(finalized, designTime: true, validationLogger: null)
            : base.Process(model, resetVersion);
}
