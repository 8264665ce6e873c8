using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tasks.UrlFetch;

/// <summary>
/// Counts the URL fetches running, per user and overall, and refuses one past either cap at once: a refusal the user
/// can act on ("try again when it finishes") beats a request that waits unseen behind someone else's slow download.
/// </summary>
public sealed class UrlFetchGate(IOptions<UrlFetchOptions> options)
{
    public const string UserBusyCode = "FetchLimitPerUser";
    public const string ServerBusyCode = "FetchLimitOverall";

    private readonly UrlFetchOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Fetches running now (for tests and diagnostics).</summary>
    public int Running
    {
        get { lock (_lock) return _total; }
    }

    /// <summary>Whether a refusal from here only means "not now" (so what the user typed should be kept).</summary>
    public static bool IsBusy(TaskRejectedException e) => e.Code is UserBusyCode or ServerBusyCode;

    /// <summary>A slot for one fetch by <paramref name="userId"/>, given back on dispose; throws <see cref="TaskRejectedException"/> when a cap is reached.</summary>
    public IDisposable Enter(string userId)
    {
        lock (_lock)
        {
            var mine = _perUser.GetValueOrDefault(userId);
            if (mine >= _options.MaxPerUser)
                throw new TaskRejectedException(UserBusyCode, _options.MaxPerUser == 1
                    ? "Another download of yours is still running; try again when it finishes."
                    : $"{_options.MaxPerUser} downloads of yours are still running (the most at once); try again when one finishes.");
            if (_total >= _options.MaxConcurrent)
                throw new TaskRejectedException(ServerBusyCode,
                    "The server is already fetching as many images as it allows at once; try again in a moment.");
            _perUser[userId] = mine + 1;
            _total++;
        }
        return new Slot(this, userId);
    }

    private void Leave(string userId)
    {
        lock (_lock)
        {
            _total--;
            if (_perUser[userId] <= 1) _perUser.Remove(userId);
            else _perUser[userId]--;
        }
    }

    private sealed class Slot(UrlFetchGate gate, string userId) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) gate.Leave(userId);
        }
    }
}
