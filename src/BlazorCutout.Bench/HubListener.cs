using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Bench;

/// <summary>
/// A connected SignalR client (JSON hub protocol over a WebSocket; the .NET client package is not obtainable here)
/// that records, for each TaskChanged it receives, how long after the server's state change it arrived.
/// </summary>
internal sealed class HubListener : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;

    public event Action<Guid, string, DateTimeOffset, DateTimeOffset>? Received; // task id, state, server time, receive time

    public async Task ConnectAsync(Uri hub, CookieContainer cookies)
    {
        _socket.Options.Cookies = cookies;
        await _socket.ConnectAsync(hub, CancellationToken.None);
        await _socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);
        // The reader takes the handshake answer too: the hub's first message may share its frame.
        _reader = Task.Run(ReadAsync);
        // Events are only delivered once the hub has joined this connection to the user's group.
        await _subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var pending = new StringBuilder();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) return;
                var now = DateTimeOffset.UtcNow;
                pending.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
                if (!r.EndOfMessage) continue;
                var text = pending.ToString();
                var last = text.LastIndexOf(RecordSeparator);
                if (last < 0) continue;
                pending.Clear().Append(text[(last + 1)..]);
                foreach (var message in text[..last].Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    using var doc = JsonDocument.Parse(message);
                    var root = doc.RootElement;
                    if (root.TryGetProperty("error", out var refused))
                        _subscribed.TrySetException(new InvalidOperationException("Hub handshake refused: " + refused.GetString()));
                    if (!root.TryGetProperty("type", out var type) || type.GetInt32() != 1) continue;
                    var target = root.GetProperty("target").GetString();
                    if (target == TaskHub.SubscribedMethod) _subscribed.TrySetResult();
                    if (target != TaskHub.TaskChangedMethod) continue;
                    var arg = root.GetProperty("arguments")[0];
                    Received?.Invoke(arg.GetProperty("taskId").GetGuid(), arg.GetProperty("state").GetString()!, arg.GetProperty("at").GetDateTimeOffset(), now);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); } catch { }
        if (_reader is not null) try { await _reader; } catch { }
        _socket.Dispose();
    }
}
