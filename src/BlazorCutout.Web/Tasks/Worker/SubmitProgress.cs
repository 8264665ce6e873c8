namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// Progress told by a provider while its SubmitAsync runs (the local engine does all its work inside that call: there
/// is no provider task id and nothing to poll), written to the task row and announced as it comes.
/// Why one writer loop instead of writing in Report: Report is called on the engine's thread and must not block it, and
/// the step's DbContext must never be used by two callers at once; the loop writes one value at a time, and when several
/// arrive while a write is in flight only the newest is written, so a task gets a handful of writes (one per engine
/// stage at most), never one per row. Dispose it before the step touches its context again.
/// </summary>
internal sealed class SubmitProgress : IProgress<int>, IAsyncDisposable
{
    private readonly Func<int, Task<bool>> _write;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Task _loop;
    private int _latest = -1;
    private volatile bool _stopped;

    /// <param name="write">Saves one percentage (lease-guarded) and announces it; false once the task is no longer ours.</param>
    public SubmitProgress(Func<int, Task<bool>> write)
    {
        _write = write;
        _loop = Task.Run(LoopAsync);
    }

    public void Report(int percent)
    {
        // Below 100: the task is done only when its result is stored. Never backwards: a late report is stale.
        percent = Math.Clamp(percent, 0, 99);
        int seen;
        do
        {
            seen = Volatile.Read(ref _latest);
            if (percent <= seen) return;
        }
        while (Interlocked.CompareExchange(ref _latest, percent, seen) != seen);
        Wake();
    }

    private async Task LoopAsync()
    {
        var written = -1;
        while (true)
        {
            await _wake.WaitAsync().ConfigureAwait(false);
            if (_stopped) return;
            var percent = Volatile.Read(ref _latest);
            if (percent <= written) continue;
            written = percent;
            if (!await _write(percent).ConfigureAwait(false)) return;
        }
    }

    private void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // a wake-up is already pending: it will read the newest value
    }

    /// <summary>Stops writing; a write in flight is awaited, values not yet written are dropped (the next state follows).</summary>
    public async ValueTask DisposeAsync()
    {
        _stopped = true;
        Wake();
        await _loop.ConfigureAwait(false);
        _wake.Dispose();
    }
}
