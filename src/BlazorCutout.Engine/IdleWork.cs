namespace BlazorCutout.Engine;

/// <summary>
/// Work the engine does once it has had no request for a while (give memory back): every request restarts the wait,
/// and the work runs only while it holds <c>slots</c> of the engine's request slots, so no request is running beside
/// it; if they are taken the work is skipped (the request holding them restarts the wait when it ends).
/// </summary>
internal sealed class IdleWork(TimeSpan delay, SemaphoreSlim requestSlots, int slots, Func<bool> disposed, Action work)
{
    private long _generation;

    /// <summary>Called as a request ends: the work runs <c>delay</c> later unless another request comes first.</summary>
    public void Restart()
    {
        if (delay <= TimeSpan.Zero) return;
        long generation = Interlocked.Increment(ref _generation);
        _ = Task.Delay(delay).ContinueWith(_ => RunIfStillIdle(generation),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void RunIfStillIdle(long generation)
    {
        if (Volatile.Read(ref _generation) != generation || disposed()) return;
        int taken = 0;
        try
        {
            while (taken < slots && requestSlots.Wait(0)) taken++;
            // A later request will restart the wait; a running one holds a slot.
            if (taken < slots || Volatile.Read(ref _generation) != generation) return;
            work();
        }
        catch (ObjectDisposedException) { }
        finally
        {
            try { if (taken > 0) requestSlots.Release(taken); } catch (ObjectDisposedException) { }
        }
    }
}
