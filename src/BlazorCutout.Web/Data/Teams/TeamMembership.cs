using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Teams;

/// <summary>What a user is in a team. A lead is a member who may later invite to the team (issue 13's seam); today both see the same.</summary>
public enum TeamRole { Member, Lead }

/// <summary>A user's place in a team; a user can be in several teams. Removing it ends the user's view of the team's shares at once.</summary>
public sealed class TeamMembership
{
    public Guid TeamId { get; set; }
    public required string UserId { get; set; }
    public TeamRole Role { get; set; }
    public DateTime AddedUtc { get; set; }
}

internal sealed class TeamMembershipConfiguration : IEntityTypeConfiguration<TeamMembership>
{
    public void Configure(EntityTypeBuilder<TeamMembership> b)
    {
        b.ToTable("TeamMemberships");
        b.HasKey(m => new { m.TeamId, m.UserId });
        b.Property(m => m.UserId).IsRequired().HasMaxLength(450);
        b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        b.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        // "Which teams am I in": asked by every visibility check.
        b.HasIndex(m => m.UserId);
    }
}
