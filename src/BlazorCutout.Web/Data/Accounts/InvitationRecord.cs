using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Accounts;

/// <summary>
/// A single-use, expiring invitation to register. Only the SHA-256 of its token is stored, so a copy of the database
/// gives no usable links.
/// </summary>
public sealed class InvitationRecord
{
    public Guid Id { get; set; }
    /// <summary>Hex SHA-256 of the link's token.</summary>
    public required string TokenHash { get; set; }
    /// <summary>The user who made it (an administrator; team leads once teams exist).</summary>
    public required string CreatedById { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime ExpiresUtc { get; set; }
    /// <summary>Set once, when a registration used it; a used invitation never works again.</summary>
    public DateTime? UsedUtc { get; set; }
    /// <summary>The account the registration made; null while unused, and when the address already had an account.</summary>
    public string? UsedById { get; set; }
    /// <summary>The team the new account joins as a member; null for an invitation to the server only.</summary>
    public Guid? TeamId { get; set; }
}

internal sealed class InvitationRecordConfiguration : IEntityTypeConfiguration<InvitationRecord>
{
    public void Configure(EntityTypeBuilder<InvitationRecord> b)
    {
        b.ToTable("Invitations");
        b.HasKey(i => i.Id);
        b.Property(i => i.TokenHash).IsRequired().HasMaxLength(64);
        b.HasIndex(i => i.TokenHash).IsUnique();
        b.Property(i => i.CreatedById).IsRequired().HasMaxLength(450);
        b.HasIndex(i => i.CreatedById);
        b.HasOne<AppUser>().WithMany().HasForeignKey(i => i.CreatedById).OnDelete(DeleteBehavior.Cascade);
        b.Property(i => i.UsedById).HasMaxLength(450);
        // The record outlives the account it made and the team it was for: the list then says "deleted".
        b.HasOne<AppUser>().WithMany().HasForeignKey(i => i.UsedById).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<BlazorCutout.Web.Data.Teams.Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.SetNull);
    }
}
