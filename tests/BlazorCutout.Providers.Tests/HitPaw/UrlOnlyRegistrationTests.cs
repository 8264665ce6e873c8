using BlazorCutout.Engine;
using BlazorCutout.Providers.HitPaw;
using BlazorCutout.Providers.Tengr;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace BlazorCutout.Providers.Tests.HitPaw;

/// <summary>HitPaw and Tengr as the app gets them: from configuration, through AddCutoutProviders.</summary>
public sealed class UrlOnlyRegistrationTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ICutoutEngine, FakeEngine>();
        services.AddCutoutProviders(config);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Both_bind_from_configuration_and_say_why_they_are_unavailable()
    {
        using var sp = Services(new()
        {
            ["Providers:HitPaw:ApiKey"] = "hp-abcdefghijklmnop-1234",
            ["Providers:HitPaw:PollMaxInterval"] = "00:00:04",
            ["Providers:Tengr:BaseUrl"] = "https://tengr.example/",
            ["BlazorCutout:PublicBaseUrl"] = "https://cutout.example/",
        });
        var registry = sp.GetRequiredService<ProviderRegistry>();

        var hitpaw = registry.Get(HitPawProvider.ProviderId);
        Assert.True(hitpaw.GetAvailability().IsAvailable);
        Assert.Equal(TimeSpan.FromSeconds(4), hitpaw.Descriptor.Polling.MaxInterval);
        Assert.Equal("No API key is configured for Tengr.ai.", registry.Get(TengrProvider.ProviderId).GetAvailability().Reason);
        Assert.Contains(registry.ForOperation(ProviderOperation.SegmentByText), p => p.Descriptor.Id == TengrProvider.ProviderId);

        using var noPublicUrl = Services(new() { ["Providers:HitPaw:ApiKey"] = "hp-abcdefghijklmnop-1234" });
        Assert.Contains("needs a public base URL", noPublicUrl.GetRequiredService<ProviderRegistry>().Get("hitpaw").GetAvailability().Reason);
    }

    [Fact]
    public void The_standalone_runner_knows_both_emulators() =>
        Assert.Subset(BlazorCutout.Emulators.Kit.EmulatorCatalog.All.Keys.ToHashSet(), new HashSet<string> { "hitpaw", "tengr" });

    [Fact]
    public void HitPaw_descriptor_follows_seed_003()
    {
        var d = HitPawProvider.BuildDescriptor(new HitPawOptions());
        Assert.Equal(new Uri("https://api-base.hitpaw.com/"), new HitPawOptions().BaseUrl);
        Assert.True(d.NeedsPublicUrlForUploads);
        Assert.Equal([ProviderOperation.RemoveBackground], d.Operations);
        Assert.False(d.Options.Callback);
        Assert.Equal(TimeSpan.FromSeconds(2), d.Polling.DelayBefore(0));
        Assert.InRange(d.Polling.DelayBefore(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)); // "~2-5 s cadence"
        Assert.Equal("coins", d.Prices.Unit);
    }
}
