using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Tests.Tasks.Support;

/// <summary>
/// A minimal SignalR client (JSON hub protocol over a WebSocket, no negotiation): the .NET client package is not
/// obtainable here. Records every <c>TaskChanged</c> invocation it receives.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly WebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<TaskChanged> _received = new();
    private readonly List<(Func<TaskChanged, bool> Match, TaskCompletionSource<TaskChanged> Done)> _waiters = [];
    private readonly Task _reader;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubClient(WebSocket socket, IEnumerable<string> alreadyReceived)
    {
        _socket = socket;
        foreach (var message in alreadyReceived) Handle(message);
        _reader = Task.Run(ReadLoopAsync);
    }

    public IReadOnlyList<TaskChanged> Received => _received.ToList();

    /// <summary>Connects with <paramref name="connect"/> (which opens the socket) and completes the handshake.</summary>
    public static async Task<HubClient> ConnectAsync(Func<Task<WebSocket>> connect)
    {
        var socket = await connect();
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);
        var answer = await ReceiveFrameAsync(socket, CancellationToken.None) ?? throw new InvalidOperationException("The hub closed during the handshake.");
        // The handshake answer is the first record; the hub's first messages may share its frame.
        var records = answer.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
        var handshake = JsonDocument.Parse(records[0]);
        if (handshake.RootElement.TryGetProperty("error", out var error))
            throw new InvalidOperationException("Handshake refused: " + error.GetString());
        var client = new HubClient(socket, records.Skip(1));
        await client._subscribed.Task.WaitAsync(TaskEventLog.Patience);
        return client;
    }

    public async Task<TaskChanged> WaitForAsync(Func<TaskChanged, bool> match)
    {
        var done = new TaskCompletionSource<TaskChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            var seen = _received.FirstOrDefault(match);
            if (seen is not null) return seen;
            _waiters.Add((match, done));
        }
        return await done.Task.WaitAsync(TaskEventLog.Patience);
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
            catch (Exception) { return; }
            if (frame is null) return;
            pending.Append(frame);
            var text = pending.ToString();
            var last = text.LastIndexOf(RecordSeparator);
            if (last < 0) continue;
            pending.Clear().Append(text[(last + 1)..]);
            foreach (var message in text[..last].Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                Handle(message);
        }
    }

    private void Handle(string message)
    {
        using var doc = JsonDocument.Parse(message);
        var root = doc.RootElement;
        if (root.GetProperty("type").GetInt32() != 1) return;
        var target = root.GetProperty("target").GetString();
        if (target == TaskHub.SubscribedMethod) _subscribed.TrySetResult();
        if (target != TaskHub.TaskChangedMethod) return;
        var change = root.GetProperty("arguments")[0].Deserialize<TaskChanged>(Json)!;
        _received.Enqueue(change);
        lock (_waiters)
        {
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
        catch (Exception) { }
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(2)); } catch (Exception) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
