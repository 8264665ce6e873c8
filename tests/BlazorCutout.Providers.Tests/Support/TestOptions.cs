using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Secrets;

namespace BlazorCutout.Providers.Tests.Support;

/// <summary>Remote client settings for tests against an emulator: quick retries and quick polls, so a run takes milliseconds.</summary>
public static class TestOptions
{
    public static ProviderResilienceOptions FastResilience(int retries = 3) => new()
    {
        MaxRetryAttempts = retries,
        BaseDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryAfter = TimeSpan.FromSeconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(30),
        TotalTimeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Aims a client's options at an emulator: its key and pace, quick retries, the first poll after <paramref name="poll"/>, later ones up to 4× that.</summary>
    public static TOptions AimAt<TOptions>(this TOptions options, Uri emulator, string key, double requestsPerSecond, TimeSpan poll)
        where TOptions : RemoteProviderOptions
    {
        options.BaseUrl = emulator;
        options.ApiKey = new Secret(key);
        options.RequestsPerSecond = requestsPerSecond;
        options.Resilience = FastResilience();
        (options.PollInitialDelay, options.PollInterval, options.PollMaxInterval) = (poll, 2 * poll, 4 * poll);
        return options;
    }
}
