using System.Collections.Concurrent;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Tests.Tasks.Support;

/// <summary>Records one user's task events (through <see cref="ITaskEvents"/>) and waits for a given one.</summary>
public sealed class TaskEventLog : IDisposable
{
    // Only a guard against a hung test; no test asserts on how long anything takes.
    // A guard against a hung task, never a speed check: in the full suite the browser tests' apps run the same engine
    // on the same 2 cores, and one real-engine cut-out can then take well over a minute.
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly ConcurrentQueue<TaskChanged> _events = new();
    private readonly List<(Func<TaskChanged, bool> Match, TaskCompletionSource<TaskChanged> Done)> _waiters = [];
    private readonly object _gate = new();
    private readonly IDisposable _subscription;

    public TaskEventLog(ITaskEvents events, string userId)
    {
        _subscription = events.Subscribe(userId, change =>
        {
            _events.Enqueue(change);
            lock (_gate)
            {
                foreach (var w in _waiters.Where(w => w.Match(change)).ToList())
                {
                    w.Done.TrySetResult(change);
                    _waiters.Remove(w);
                }
            }
            return Task.CompletedTask;
        });
    }

    public IReadOnlyList<TaskChanged> Events => _events.ToList();

    public IReadOnlyList<TaskChanged> For(Guid taskId) => _events.Where(e => e.TaskId == taskId).ToList();

    public Task<TaskChanged> WaitForAsync(Guid taskId, CutoutTaskState state) => WaitForAsync(e => e.TaskId == taskId && e.State == state);

    public Task<TaskChanged> WaitForFinalAsync(Guid taskId) => WaitForAsync(e => e.TaskId == taskId && e.State.IsFinal());

    public async Task<TaskChanged> WaitForAsync(Func<TaskChanged, bool> match)
    {
        var done = new TaskCompletionSource<TaskChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _events.FirstOrDefault(match);
            if (seen is not null) return seen;
            _waiters.Add((match, done));
        }
        try
        {
            return await done.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException("The expected task event never came. Seen:\n" + string.Join("\n", _events));
        }
    }

    public void Dispose() => _subscription.Dispose();
}
