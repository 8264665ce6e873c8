using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Data;

/// <summary>
/// The app's one database: Identity's tables now; tasks, assets, the cost ledger and teams later.
/// Every model change needs a migration (see tools/MigrationScaffolder); a test fails while one is missing.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole, string>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Later features: keep each entity's mapping in an IEntityTypeConfiguration<T> beside the entity and
        // add builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly) here with the first one
        // (without any, EF logs a warning at every start).
    }
}
