using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Data.Tasks;

/// <summary>
/// One cut-out task. Written by <c>TaskService</c> while Queued, by <c>TaskWorker</c> only from then on.
/// Scheduling columns (<see cref="DueAtMs"/>, <see cref="LeaseUntilMs"/>) are Unix milliseconds so the claim query
/// compares integers (EF's SQLite provider cannot compare DateTimeOffset in SQL).
/// </summary>
public sealed class TaskRecord
{
    public Guid Id { get; set; }
    /// <summary>The user who submitted it: the only one (with Admins) who may change, share or delete it.</summary>
    public required string OwnerId { get; set; }
    /// <summary>The team the task was run for (its cost counts against that team); null: personal. Not the same as
    /// sharing: who may see the task is decided by <c>TeamShare</c> (see <c>ItemAccess</c>).</summary>
    public Guid? TeamId { get; set; }
    public required string ProviderId { get; set; }
    public ProviderOperation Operation { get; set; }
    /// <summary>The validated <see cref="JobOptions"/> as JSON (the background image travels as <see cref="BackgroundAssetId"/>).</summary>
    public required string OptionsJson { get; set; }
    public Guid SourceAssetId { get; set; }
    public Guid? BackgroundAssetId { get; set; }

    public CutoutTaskState State { get; set; }
    public int? Progress { get; set; }
    /// <summary>Saved before anything else once the provider accepted the job: what makes restarts resume instead of resubmitting.</summary>
    public string? ProviderTaskId { get; set; }
    /// <summary>Submissions started (the first one included).</summary>
    public int Attempts { get; set; }
    /// <summary>Polls (and transient-failure retries) since submission; drives the provider's back-off.</summary>
    public int PollCount { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    /// <summary>What a success falls short of, in the provider's words (e.g. 2 of 3 backgrounds arrived).</summary>
    public string? Note { get; set; }

    public decimal? CostAmount { get; set; }
    public string? CostUnit { get; set; }
    public bool CostEstimated { get; set; }
    /// <summary>No price was known for this charged operation: <see cref="CostAmount"/> is not a price (see TaskCost).</summary>
    public bool CostUnpriced { get; set; }
    /// <summary>What the provider reported at acceptance (HitPaw), kept until the task completes.</summary>
    public decimal? AcceptedCostAmount { get; set; }
    public string? AcceptedCostUnit { get; set; }

    public DateTime CreatedUtc { get; set; }
    public DateTime? SubmittedUtc { get; set; }
    public DateTime? CompletedUtc { get; set; }
    public long? ProcessingMs { get; set; }

    public Guid? RetryOfId { get; set; }
    /// <summary>Set by the owner; the worker stops at its next step (or at once, through its in-process token).</summary>
    public bool CancelRequested { get; set; }

    /// <summary>Earliest moment the worker should look at the task again (next poll, back-off after a transient error).</summary>
    public long DueAtMs { get; set; }
    public string? LeaseOwner { get; set; }
    public long? LeaseUntilMs { get; set; }
}

internal sealed class TaskRecordConfiguration : IEntityTypeConfiguration<TaskRecord>
{
    public void Configure(EntityTypeBuilder<TaskRecord> b)
    {
        b.ToTable("Tasks");
        b.HasKey(t => t.Id);
        b.Property(t => t.OwnerId).IsRequired().HasMaxLength(450);
        b.Property(t => t.ProviderId).IsRequired().HasMaxLength(64);
        b.Property(t => t.Operation).HasConversion<string>().HasMaxLength(32);
        b.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.ProviderTaskId).HasMaxLength(256);
        b.Property(t => t.ErrorCode).HasMaxLength(64);
        b.Property(t => t.ErrorMessage).HasMaxLength(2000);
        b.Property(t => t.Note).HasMaxLength(2000);
        b.Property(t => t.CostUnit).HasMaxLength(32);
        b.Property(t => t.AcceptedCostUnit).HasMaxLength(32);
        // The worker's writes carry "WHERE LeaseOwner = <me>": a task taken over or deleted meanwhile is left alone.
        b.Property(t => t.LeaseOwner).HasMaxLength(64).IsConcurrencyToken();
        b.HasOne<AppUser>().WithMany().HasForeignKey(t => t.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.OwnerId, t.CreatedUtc });
        // Deleting a team keeps its tasks with their owners, as personal ones (the ledger keeps the team id).
        b.HasOne<BlazorCutout.Web.Data.Teams.Team>().WithMany().HasForeignKey(t => t.TeamId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(t => new { t.TeamId, t.CreatedUtc });
        // The worker's claim: by provider, active states, due time.
        b.HasIndex(t => new { t.ProviderId, t.State, t.DueAtMs });
        b.HasIndex(t => t.SourceAssetId);
    }
}
