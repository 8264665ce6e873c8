namespace BlazorCutout.Web.Data;

/// <summary>
/// SQLite has one writer at a time. Writers in this process queue here (in order, without sleeping) instead of
/// colliding inside SQLite, whose busy handler backs off in steps of up to 100 ms: that back-off, not the work, was
/// the long tail of the task pipeline's latency. Writers elsewhere (another process, Identity's stores) still meet
/// SQLite's busy timeout, which stays as the backstop.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_gate);
    }

    public readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
