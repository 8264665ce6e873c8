using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace BlazorCutout.Emulators.Kit;

/// <summary>One callback attempt: where, what, and how it went.</summary>
public sealed record CallbackDelivery(Uri Url, string Body, int? Status, string? Error, DateTimeOffset At);

/// <summary>
/// POSTs completion notifications (JSON) through a plain HttpClient: callback targets are loopback listeners in tests,
/// which the production URL guard would refuse. One attempt plus <see cref="Retries"/> on failure; every attempt is recorded.
/// </summary>
public sealed class CallbackSender(HttpClient client)
{
    private readonly ConcurrentQueue<CallbackDelivery> _deliveries = new();

    public int Retries { get; set; } = 2;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public IReadOnlyList<CallbackDelivery> Deliveries => _deliveries.ToArray();

    public void Clear() => _deliveries.Clear();

    /// <summary>Sends without blocking the caller (fire and forget; failures are recorded, never thrown).</summary>
    public void Post(Uri url, object payload) => _ = SendAsync(url, payload);

    public async Task<CallbackDelivery> SendAsync(Uri url, object payload)
    {
        var body = JsonSerializer.Serialize(payload);
        CallbackDelivery last = null!;
        for (var attempt = 0; attempt <= Retries; attempt++)
        {
            try
            {
                using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(url, content).ConfigureAwait(false);
                last = new CallbackDelivery(url, body, (int)response.StatusCode, null, DateTimeOffset.UtcNow);
                _deliveries.Enqueue(last);
                if (response.IsSuccessStatusCode) return last;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = new CallbackDelivery(url, body, null, e.Message, DateTimeOffset.UtcNow);
                _deliveries.Enqueue(last);
            }
            await Task.Delay(RetryDelay).ConfigureAwait(false);
        }
        return last;
    }
}
