using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using BlazorCutout.Web.Tasks.Live;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Bench;

/// <summary>
/// The one client of <see cref="TaskHub"/> outside the browser: Microsoft's SignalR client over a WebSocket, recording
/// every <c>TaskChanged</c> with the moment it was received. The pipeline bench uses it, and BlazorCutout.Web.Tests
/// compiles this same file (a linked item: the bench is an executable, not a library to reference).
/// </summary>
internal sealed class TaskHubClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly TimeSpan _patience;
    private readonly ConcurrentQueue<TaskChanged> _received = new();
    private readonly ConcurrentQueue<GalleryChanged> _gallery = new();
    private readonly List<(Func<TaskChanged, bool> Match, TaskCompletionSource<TaskChanged> Done)> _waiters = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TaskHubClient(HubConnection connection, TimeSpan patience)
    {
        _connection = connection;
        _patience = patience;
        // The hub sends enums as names (AddJsonProtocol with JsonStringEnumConverter); the client must read them so.
        connection.On(TaskHub.SubscribedMethod, () => _subscribed.TrySetResult());
        connection.On<TaskChanged>(TaskHub.TaskChangedMethod, change => Handle(change, DateTimeOffset.UtcNow));
        connection.On<GalleryChanged>(TaskHub.GalleryChangedMethod, change => _gallery.Enqueue(change));
    }

    /// <summary>Every change received so far, in arrival order.</summary>
    public IReadOnlyList<TaskChanged> Received => _received.ToList();

    /// <summary>Every gallery change (shares and unshares of the user's teams) received so far, in arrival order.</summary>
    public IReadOnlyList<GalleryChanged> GalleryReceived => _gallery.ToList();

    /// <summary>Waits (up to the patience) until a gallery change that matches has arrived.</summary>
    public async Task<GalleryChanged> WaitForGalleryAsync(Func<GalleryChanged, bool> match)
    {
        var giveUp = DateTime.UtcNow + _patience;
        while (true)
        {
            if (_gallery.FirstOrDefault(match) is { } seen) return seen;
            if (DateTime.UtcNow > giveUp) throw new TimeoutException("No matching gallery change arrived.");
            await Task.Delay(20);
        }
    }

    /// <summary>Raised for each change, with the moment it was received.</summary>
    public event Action<TaskChanged, DateTimeOffset>? Changed;

    /// <summary>
    /// Connects to <paramref name="hubUrl"/> over a WebSocket (no negotiation round trip, as a browser on a WebSocket
    /// would) and returns once the hub has joined this connection to its user's group: changes are delivered only from then on.
    /// </summary>
    /// <param name="configure">Credentials and transport plumbing: a cookie container, or a test server's WebSocket factory.</param>
    /// <param name="patience">A guard against a hung hub, for connecting and for each <see cref="WaitForAsync"/>.</param>
    public static async Task<TaskHubClient> ConnectAsync(Uri hubUrl, Action<HttpConnectionOptions> configure, TimeSpan patience)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = true;
                configure(options);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var client = new TaskHubClient(connection, patience);
        try
        {
            using var timeout = new CancellationTokenSource(patience);
            await connection.StartAsync(timeout.Token);
            await client._subscribed.Task.WaitAsync(patience);
            return client;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first change (already received or still to come) that matches.</summary>
    public async Task<TaskChanged> WaitForAsync(Func<TaskChanged, bool> match)
    {
        var done = new TaskCompletionSource<TaskChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            var seen = _received.FirstOrDefault(match);
            if (seen is not null) return seen;
            _waiters.Add((match, done));
        }
        return await done.Task.WaitAsync(_patience);
    }

    private void Handle(TaskChanged change, DateTimeOffset arrived)
    {
        Changed?.Invoke(change, arrived);
        lock (_waiters)
        {
            _received.Enqueue(change);
            foreach (var w in _waiters.Where(w => w.Match(change)).ToList())
            {
                w.Done.TrySetResult(change);
                _waiters.Remove(w);
            }
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
