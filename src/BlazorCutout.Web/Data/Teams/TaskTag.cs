using BlazorCutout.Web.Data.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Teams;

/// <summary>
/// A tag on a task, set by its owner (or an Admin) and searched in the gallery. Stored trimmed and lower-case, so
/// "Shoes" and "shoes" are one tag; at most <see cref="MaxPerTask"/> per task, each at most <see cref="MaxLength"/>
/// characters (enforced by the tag service with a message, the column length is the backstop).
/// </summary>
public sealed class TaskTag
{
    public const int MaxLength = 32;
    public const int MaxPerTask = 20;

    public Guid TaskId { get; set; }
    public required string Tag { get; set; }
}

internal sealed class TaskTagConfiguration : IEntityTypeConfiguration<TaskTag>
{
    public void Configure(EntityTypeBuilder<TaskTag> b)
    {
        b.ToTable("TaskTags");
        b.HasKey(t => new { t.TaskId, t.Tag });
        b.Property(t => t.Tag).IsRequired().HasMaxLength(TaskTag.MaxLength);
        b.HasOne<TaskRecord>().WithMany().HasForeignKey(t => t.TaskId).OnDelete(DeleteBehavior.Cascade);
        // The tag filter and tag search: tag → tasks.
        b.HasIndex(t => new { t.Tag, t.TaskId });
    }
}
