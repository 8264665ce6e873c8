namespace BlazorCutout.Emulators.Kit;

/// <summary>Account balance for services that charge per job (HitPaw answers 402 / 110402000 when it runs out). Null = unlimited.</summary>
public sealed class CoinBalance(long? initial)
{
    private readonly object _lock = new();
    private long? _remaining = initial;

    public long? Remaining { get { lock (_lock) return _remaining; } }
    public long Spent { get; private set; }

    public void Set(long? balance)
    {
        lock (_lock) _remaining = balance;
    }

    /// <summary>Takes <paramref name="amount"/> if the balance covers it; false = answer "insufficient coins".</summary>
    public bool TryCharge(long amount)
    {
        lock (_lock)
        {
            if (_remaining is { } r)
            {
                if (r < amount) return false;
                _remaining = r - amount;
            }
            Spent += amount;
            return true;
        }
    }
}
