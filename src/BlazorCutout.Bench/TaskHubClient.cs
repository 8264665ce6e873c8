using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Bench;

/// <summary>
/// A minimal client of <see cref="TaskHub"/>: the SignalR JSON hub protocol over a WebSocket, no negotiation (the .NET
/// SignalR client package is not obtainable here). Records every <c>TaskChanged</c> it receives with the moment its
/// frame arrived. The pipeline bench uses it, and BlazorCutout.Web.Tests compiles this same file (a linked item).
/// </summary>
internal sealed class TaskHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly WebSocket _socket;
    private readonly TimeSpan _patience;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<TaskChanged> _received = new();
    private readonly ConcurrentQueue<GalleryChanged> _gallery = new();
    private readonly List<(Func<TaskChanged, bool> Match, TaskCompletionSource<TaskChanged> Done)> _waiters = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reader = Task.CompletedTask;

    private TaskHubClient(WebSocket socket, TimeSpan patience)
    {
        _socket = socket;
        _patience = patience;
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

    /// <summary>Raised on the reading thread for each change, with the moment its frame arrived.</summary>
    public event Action<TaskChanged, DateTimeOffset>? Changed;

    /// <summary>
    /// Opens the socket with <paramref name="open"/>, completes the handshake and returns once the hub has joined this
    /// connection to its user's group (changes are delivered only from then on).
    /// </summary>
    /// <param name="patience">A guard against a hung hub, for the handshake and for each <see cref="WaitForAsync"/>.</param>
    public static async Task<TaskHubClient> ConnectAsync(Func<CancellationToken, Task<WebSocket>> open, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        var socket = await open(timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator), WebSocketMessageType.Text, true, timeout.Token);
        var answer = await ReceiveFrameAsync(socket, timeout.Token) ?? throw new InvalidOperationException("The hub closed during the handshake.");
        var arrived = DateTimeOffset.UtcNow;
        // The handshake answer is the first record; the hub's first messages may share its frame.
        var records = answer.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
        using (var handshake = JsonDocument.Parse(records[0]))
            if (handshake.RootElement.TryGetProperty("error", out var error))
                throw new InvalidOperationException("Hub handshake refused: " + error.GetString());
        var client = new TaskHubClient(socket, patience);
        foreach (var message in records.Skip(1)) client.Handle(message, arrived);
        client._reader = Task.Run(client.ReadLoopAsync);
        await client._subscribed.Task.WaitAsync(patience);
        return client;
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

    private async Task ReadLoopAsync()
    {
        var pending = new StringBuilder();
        while (!_stop.IsCancellationRequested)
        {
            string? frame;
            try
            {
                frame = await ReceiveFrameAsync(_socket, _stop.Token);
            }
            catch (Exception) { return; } // stopped, or the connection dropped: nothing more will arrive
            if (frame is null) return;
            var arrived = DateTimeOffset.UtcNow;
            pending.Append(frame);
            var text = pending.ToString();
            var last = text.LastIndexOf(RecordSeparator);
            if (last < 0) continue;
            pending.Clear().Append(text[(last + 1)..]);
            foreach (var message in text[..last].Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                Handle(message, arrived);
        }
    }

    private void Handle(string message, DateTimeOffset arrived)
    {
        using var doc = JsonDocument.Parse(message);
        var root = doc.RootElement;
        if (root.GetProperty("type").GetInt32() != 1) return; // 1 = invocation; pings and the rest say nothing here
        var target = root.GetProperty("target").GetString();
        if (target == TaskHub.SubscribedMethod) _subscribed.TrySetResult();
        if (target == TaskHub.GalleryChangedMethod)
        {
            _gallery.Enqueue(root.GetProperty("arguments")[0].Deserialize<GalleryChanged>(Json)!);
            return;
        }
        if (target != TaskHub.TaskChangedMethod) return;
        var change = root.GetProperty("arguments")[0].Deserialize<TaskChanged>(Json)!;
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

    private static async Task<string?> ReceiveFrameAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.ToArray());
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception) { } // the server may already be gone; closing is a courtesy
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(2)); } catch (Exception) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
