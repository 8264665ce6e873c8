using System.Collections.Concurrent;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// In-process nudges to the worker: "a task was queued" (so it claims at once instead of at its next idle poll) and
/// "the owner canceled this task" (so a running provider call is interrupted). Other processes rely on the database.
/// </summary>
public sealed class TaskSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<Guid, byte> _pollRequests = new();

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Waits until woken or <paramref name="timeout"/> passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _wake.WaitAsync(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, cancellationToken);

    public void RequestCancel(Guid taskId)
    {
        if (_running.TryGetValue(taskId, out var cts))
        {
            try { cts.Cancel(); } catch (ObjectDisposedException) { }
        }
        Wake();
    }

    /// <summary>A provider called back about this task: poll it now, even if a poll is already in flight.</summary>
    public void RequestPoll(Guid taskId) => _pollRequests[taskId] = 0;

    /// <summary>True once per <see cref="RequestPoll"/> (the worker consumes it when it polls).</summary>
    internal bool TakePollRequest(Guid taskId) => _pollRequests.TryRemove(taskId, out _);

    internal void Register(Guid taskId, CancellationTokenSource cts) => _running[taskId] = cts;

    internal void Unregister(Guid taskId, CancellationTokenSource cts) => _running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(taskId, cts));

    internal bool IsRunning(Guid taskId) => _running.ContainsKey(taskId);
}
