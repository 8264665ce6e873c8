namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// The service's QPS limit: a sliding one-second window. A request above the rate is refused (the host answers 429 with
/// Retry-After = time until the oldest counted request leaves the window, at least 1 s); refused requests do not count.
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
            while (_window.Count > 0 && now - _window.Peek() >= window) _window.Dequeue();
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
