using BlazorCutout.Web.Data.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Teams;

/// <summary>
/// A finished task shared to one team's gallery. Its own table rather than columns on <see cref="TaskRecord"/>:
/// the gallery pages through this narrow table alone by (team, <see cref="Id"/>) — an ever-growing integer, so a page
/// is a keyset seek ("Id &lt; last seen") that costs the same on page 1 and page 200 — and the task table stays the
/// worker's. A task is in at most one team's gallery (<see cref="TaskId"/> is unique); sharing it to another team
/// moves it. Deleting the team or the task removes the row; the task stays with its owner, unshared.
/// </summary>
public sealed class TeamShare
{
    public long Id { get; set; }
    public Guid TaskId { get; set; }
    public Guid TeamId { get; set; }
    /// <summary>The owner, copied from the task: the gallery's "member" filter stays on this table's index.</summary>
    public required string OwnerId { get; set; }
    /// <summary>Who shared it: the owner, or an Admin acting for them.</summary>
    public required string SharedById { get; set; }
    public DateTime SharedUtc { get; set; }
    /// <summary>
    /// The source image's file name, copied from the task's source asset when shared (it never changes). The gallery's
    /// search matches it with LIKE '%term%', which no index serves: on this narrow table that is one scan of the team's
    /// rows, where reaching it through the task and its asset cost two lookups per row. <c>./cutout bench gallery</c>,
    /// 10,000 shares, before/after in one run on a loaded 2-core machine: search 374–903 ms → 23–43 ms median
    /// (23–41× the first page → 1.4–2.7×).
    /// </summary>
    public string SourceName { get; set; } = "";
}

internal sealed class TeamShareConfiguration : IEntityTypeConfiguration<TeamShare>
{
    public void Configure(EntityTypeBuilder<TeamShare> b)
    {
        b.ToTable("TeamShares");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedOnAdd();
        b.Property(s => s.OwnerId).IsRequired().HasMaxLength(450);
        b.Property(s => s.SharedById).IsRequired().HasMaxLength(450);
        b.Property(s => s.SourceName).IsRequired().HasMaxLength(255).HasDefaultValue("");
        b.HasOne<TaskRecord>().WithOne().HasForeignKey<TeamShare>(s => s.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.TaskId).IsUnique();
        // The gallery's page: newest first within a team, keyset on Id.
        b.HasIndex(s => new { s.TeamId, s.Id });
        // The "member" filter within a team.
        b.HasIndex(s => new { s.TeamId, s.OwnerId, s.Id });
    }
}
