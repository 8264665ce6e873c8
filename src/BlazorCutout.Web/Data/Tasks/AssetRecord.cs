using BlazorCutout.Web.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorCutout.Web.Data.Tasks;

/// <summary>A file in the asset store (source, result, mask, background image), served only to its owner.</summary>
public sealed class AssetRecord
{
    public Guid Id { get; set; }
    public required string OwnerId { get; set; }
    /// <summary>The task that produced it (results, masks); null for uploads, which retries share.</summary>
    public Guid? TaskId { get; set; }
    public TaskAssetRole Role { get; set; }
    /// <summary>Order among a task's results (a batch of N images).</summary>
    public int Index { get; set; }
    /// <summary>
    /// 0 for what the provider returned; each touch-up (erase/restore brush) adds a new row with the next number and
    /// the same task, role and index, so the original is never overwritten. The highest version is the current result
    /// (<c>ResultVersions</c>).
    /// </summary>
    public int Version { get; set; }
    /// <summary>The result version this one was touched up from; null for the provider's own result.</summary>
    public Guid? EditedFromId { get; set; }
    public required string ContentType { get; set; }
    /// <summary>The name offered on download (sanitised).</summary>
    public required string FileName { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public long Bytes { get; set; }
    /// <summary>Hex SHA-256 of the content: the strong ETag.</summary>
    public required string Sha256 { get; set; }
    /// <summary>Key inside the asset store (a relative path for the filesystem store).</summary>
    public required string StorageKey { get; set; }
    public DateTime CreatedUtc { get; set; }

    /// <summary>
    /// The one way a new asset row is made (uploads, provider results, touch-ups): a time-ordered id, and no file yet;
    /// <see cref="BlazorCutout.Web.Tasks.Storage.AssetStoreExtensions.SaveFileAsync"/> writes the bytes and fills in the key and hash.
    /// </summary>
    public static AssetRecord New(string ownerId, TaskAssetRole role, string contentType, string fileName, int width, int height, long bytes,
        DateTimeOffset now, Guid? taskId = null, int index = 0, int version = 0, Guid? editedFromId = null) => new()
    {
        Id = Guid.CreateVersion7(now),
        OwnerId = ownerId,
        TaskId = taskId,
        Role = role,
        Index = index,
        Version = version,
        EditedFromId = editedFromId,
        ContentType = contentType,
        FileName = fileName,
        Width = width,
        Height = height,
        Bytes = bytes,
        Sha256 = "",
        StorageKey = "",
        CreatedUtc = now.UtcDateTime,
    };
}

internal sealed class AssetRecordConfiguration : IEntityTypeConfiguration<AssetRecord>
{
    public void Configure(EntityTypeBuilder<AssetRecord> b)
    {
        b.ToTable("Assets");
        b.HasKey(a => a.Id);
        b.Property(a => a.OwnerId).IsRequired().HasMaxLength(450);
        b.Property(a => a.Role).HasConversion<string>().HasMaxLength(24);
        b.Property(a => a.ContentType).IsRequired().HasMaxLength(100);
        b.Property(a => a.FileName).IsRequired().HasMaxLength(255);
        b.Property(a => a.Sha256).IsRequired().HasMaxLength(64);
        b.Property(a => a.StorageKey).IsRequired().HasMaxLength(300);
        b.HasOne<AppUser>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.TaskId);
        b.HasIndex(a => a.OwnerId);
    }
}
