using BlazorCutout.Engine;

namespace BlazorCutout.Providers.Tests.Support;

public static class Descriptors
{
    /// <summary>A remote-looking descriptor for HTTP tests; ids are unique per test so breakers never share state.</summary>
    public static ProviderDescriptor Remote(string? id = null, ProviderRate? rate = null, ProviderInputs inputs = ProviderInputs.File | ProviderInputs.Url,
        ProviderOperation[]? operations = null, SupportedOptions? options = null) => new()
    {
        Id = id ?? "test-" + Guid.NewGuid().ToString("N")[..8],
        DisplayName = "Test service",
        Operations = new HashSet<ProviderOperation>(operations ?? [ProviderOperation.RemoveBackground]),
        Inputs = inputs,
        Options = options ?? new SupportedOptions(),
        Limits = new ProviderLimits(),
        Rate = rate ?? new ProviderRate(null, 8),
        Polling = new PollCadence(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1.5, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3)),
        Prices = PriceTable.Free,
    };
}
