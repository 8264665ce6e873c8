using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Teams;

/// <summary>A group of users who share results in the team gallery and whose tasks can be run (and charged) for it.</summary>
public sealed class Team
{
    public const int MaxNameLength = 64;

    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Upper-cased <see cref="Name"/>: names are unique regardless of case ("Design" and "design" are one team).</summary>
    public required string NormalizedName { get; set; }
    public DateTime CreatedUtc { get; set; }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("Teams");
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).IsRequired().HasMaxLength(Team.MaxNameLength);
        b.Property(t => t.NormalizedName).IsRequired().HasMaxLength(Team.MaxNameLength);
        b.HasIndex(t => t.NormalizedName).IsUnique();
    }
}
