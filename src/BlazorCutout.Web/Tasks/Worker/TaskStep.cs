using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// One step of one claimed task: the task row tracked in the step's own context (saved with the lease as concurrency
/// token), its provider, and the two reasons the step may be cut short.
/// </summary>
internal sealed class TaskStep(AppDbContext db, TaskRecord task, ICutoutProvider provider, CancellationToken canceled, CancellationToken stopping)
    : IAsyncDisposable
{
    public AppDbContext Db { get; } = db;
    public TaskRecord Task { get; } = task;
    public ICutoutProvider Provider { get; } = provider;
    public ProviderDescriptor Descriptor => Provider.Descriptor;
    /// <summary>The owner canceled (in-process token).</summary>
    public CancellationToken Canceled { get; } = canceled;
    /// <summary>The worker is stopping (the host's token).</summary>
    public CancellationToken Stopping { get; } = stopping;
    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
