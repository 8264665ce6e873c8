using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace BlazorCutout.Web.Tasks.Live;

/// <summary>
/// The one source of task events: in-process subscribers per user (the Blazor pages, whose updates reach the browser
/// over their circuit) and the owner's hub group (<see cref="TaskHub"/>); gallery events go to the gallery pages and to
/// the team's hub group, whose members <see cref="TaskHub"/> and <see cref="Teams.TeamHubGroups"/> keep current. Publishing never blocks the caller: events
/// go through one queue and are delivered in order by a single pump, so a slow page cannot hold up the worker.
/// </summary>
public sealed class TaskNotifier : ITaskEvents, IHostedService, IAsyncDisposable
{
    private readonly IHubContext<TaskHub> _hub;
    private readonly ILogger<TaskNotifier> _logger;
    // TaskChanged or GalleryChanged, in publishing order.
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private ImmutableList<Func<GalleryChanged, Task>> _gallerySubscribers = [];
    private ImmutableDictionary<string, ImmutableList<Func<TaskChanged, Task>>> _subscribers =
        ImmutableDictionary<string, ImmutableList<Func<TaskChanged, Task>>>.Empty.WithComparers(StringComparer.Ordinal);
    private Task? _pump;

    public TaskNotifier(IHubContext<TaskHub> hub, ILogger<TaskNotifier> logger)
    {
        _hub = hub;
        _logger = logger;
    }

    public IDisposable Subscribe(string userId, Func<TaskChanged, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(handler);
        ImmutableInterlocked.AddOrUpdate(ref _subscribers, userId, _ => [handler], (_, list) => list.Add(handler));
        return new Subscription(this, userId, handler);
    }

    /// <summary>Queues one event for the owner's subscribers and hub group.</summary>
    public void Publish(TaskChanged change) => _queue.Writer.TryWrite(change);

    /// <summary>Queues one gallery event for the gallery pages and the team's hub group.</summary>
    public void Publish(GalleryChanged change) => _queue.Writer.TryWrite(change);

    public IDisposable SubscribeGallery(Func<GalleryChanged, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ImmutableInterlocked.Update(ref _gallerySubscribers, list => list.Add(handler));
        return new GallerySubscription(this, handler);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _pump ??= Task.Run(PumpAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_pump is not null) await _pump.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_pump is not null) await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item is GalleryChanged gallery)
            {
                await DeliverAsync(gallery).ConfigureAwait(false);
                continue;
            }
            var change = (TaskChanged)item;
            if (_subscribers.TryGetValue(change.OwnerId, out var handlers))
            {
                foreach (var handler in handlers)
                {
                    try
                    {
                        await handler(change).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        _logger.LogWarning(e, "A task event subscriber failed for task {TaskId}", change.TaskId);
                    }
                }
            }
            try
            {
                await _hub.Clients.Group(TaskHub.GroupFor(change.OwnerId)).SendAsync(TaskHub.TaskChangedMethod, change).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Could not send a task event to the hub for task {TaskId}", change.TaskId);
            }
        }
    }

    private async Task DeliverAsync(GalleryChanged change)
    {
        foreach (var handler in _gallerySubscribers)
        {
            try
            {
                await handler(change).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "A gallery event subscriber failed for task {TaskId}", change.TaskId);
            }
        }
        try
        {
            await _hub.Clients.Group(TaskHub.GroupFor(change.TeamId)).SendAsync(TaskHub.GalleryChangedMethod, change).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Could not send a gallery event to the hub for task {TaskId}", change.TaskId);
        }
    }

    private sealed class GallerySubscription(TaskNotifier owner, Func<GalleryChanged, Task> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            ImmutableInterlocked.Update(ref owner._gallerySubscribers, list => list.Remove(handler));
        }
    }

    private sealed class Subscription(TaskNotifier owner, string userId, Func<TaskChanged, Task> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            ImmutableInterlocked.Update(ref owner._subscribers, dict =>
            {
                if (!dict.TryGetValue(userId, out var list)) return dict;
                var rest = list.Remove(handler);
                return rest.IsEmpty ? dict.Remove(userId) : dict.SetItem(userId, rest);
            });
        }
    }
}
