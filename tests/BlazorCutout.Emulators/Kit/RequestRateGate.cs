namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// The service's QPS limit as a strict sliding window: whenever N admitted requests (N = the rate, rounded down) lie
/// within the last second, boundaries included, the next one is refused. So no N+1 admitted requests ever fall within
/// any one second, however they are timed. The host answers a refusal with 429 and Retry-After = time until the oldest
/// counted request leaves the window, at least 1 s; refused requests do not count. Below 1/s the window is 1/rate with
/// room for one.
/// </summary>
public sealed class RequestRateGate(double requestsPerSecond, TimeProvider time)
{
    private readonly Queue<DateTimeOffset> _window = new();
    private readonly object _lock = new();

    /// <summary>0 or less disables the gate. Changeable at run time (control endpoint <c>POST /_emulator/rate?rps=N</c>).</summary>
    public double RequestsPerSecond { get; set; } = requestsPerSecond;

    public int Refused { get; private set; }
    public int Admitted { get; private set; }

    public bool TryEnter(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var rps = RequestsPerSecond;
        lock (_lock)
        {
            if (rps <= 0)
            {
                Admitted++;
                return true;
            }
            var now = time.GetUtcNow();
            var window = TimeSpan.FromSeconds(rps >= 1 ? 1 : 1 / rps);
            var allowed = Math.Max(1, (int)Math.Floor(rps >= 1 ? rps : 1));
            // Strictly older than the window: a request exactly one window after another still shares that window with it.
            while (_window.Count > 0 && now - _window.Peek() > window) _window.Dequeue();
            if (_window.Count >= allowed)
            {
                retryAfter = window - (now - _window.Peek());
                Refused++;
                return false;
            }
            _window.Enqueue(now);
            Admitted++;
            return true;
        }
    }
}
