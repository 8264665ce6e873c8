using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BlazorCutout.Web.Data;

/// <summary>
/// What <c>dotnet tool run dotnet-ef</c> builds the context with. Without it the tool would start the whole app host
/// (data directory, key ring, hosted services) just to read the model; the model does not depend on the connection,
/// so an in-memory SQLite database keeps <c>migrations add</c> and <c>has-pending-model-changes</c> free of side effects.
/// (<c>database update</c> is not needed: the app migrates its own database at start-up.)
/// </summary>
public sealed class DesignTimeAppDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options);
}
