using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using BlazorCutout.Web.Data.Accounts;
using BlazorCutout.Web.Data.Budgets;
using BlazorCutout.Web.Data.Providers;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data.Teams;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Data;

/// <summary>
/// The app's one database: Identity's tables now; tasks, assets, the cost ledger, invitations, teams, shares and tags.
/// Every model change needs a migration (`dotnet tool run dotnet-ef migrations add`, see README); a test fails while one is missing.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole, string>(options)
{
    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<AssetRecord> Assets => Set<AssetRecord>();
    public DbSet<CostEntry> CostEntries => Set<CostEntry>();
    public DbSet<ProviderSettingsRecord> ProviderSettings => Set<ProviderSettingsRecord>();
    public DbSet<InvitationRecord> Invitations => Set<InvitationRecord>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMembership> TeamMemberships => Set<TeamMembership>();
    public DbSet<TeamShare> TeamShares => Set<TeamShare>();
    public DbSet<TaskTag> TaskTags => Set<TaskTag>();
    public DbSet<Budget> Budgets => Set<Budget>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Each entity's mapping lives in an IEntityTypeConfiguration<T> beside the entity (Data/Tasks/…).
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}
