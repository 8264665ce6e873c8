using BlazorCutout.Engine;
using BlazorCutout.Providers.GptGe;
using BlazorCutout.Providers.HitPaw;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Tengr;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace BlazorCutout.Providers.Tests.Contract;

public class RemoteProviderSupportTests
{
    private sealed class DemoOptions : RemoteProviderOptions
    {
        public string PollPath { get; set; } = "/task/{id}";
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Binds_the_shared_remote_settings()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:demo:ApiKey"] = "sk-abcdefghijklmnop9999",
            ["Providers:demo:BaseUrl"] = "https://api.example/",
            ["Providers:demo:RequestsPerSecond"] = "2",
            ["Providers:demo:Resilience:MaxRetryAttempts"] = "5",
            ["Providers:demo:Prices:GenerateBackground:PerBatchItem"] = "3",
            ["Providers:demo:PollPath"] = "/v2/{id}",
        }).Build();
        var o = config.ProviderSection("demo").Get<DemoOptions>()!;
        Assert.Equal("sk-…9999", o.ApiKey!.ToString());
        Assert.Equal(new Uri("https://api.example/"), o.BaseUrl);
        Assert.Equal(5, o.Resilience.MaxRetryAttempts);
        Assert.Equal("/v2/{id}", o.PollPath);
        Assert.Equal(new ProviderRate(2, 4), o.RateOr(new ProviderRate(10, 4)));
        Assert.Equal(12m, o.PriceTableOr(PriceTable.Free).Estimate(ProviderOperation.GenerateBackground, 4).Amount);
    }

    [Fact]
    public void Every_remote_provider_binds_the_shared_polling_and_result_settings_under_its_earlier_keys()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:PicWish:PollBackoff"] = "1.75", // PicWish's and gpt.ge's name before PollBackoffFactor
            ["Providers:PicWish:PollDeadline"] = "00:01:00",
            ["Providers:PicWish:MaxResultBytes"] = "1000",
            ["Providers:GptGe:PollBackoffFactor"] = "1.5",
            ["Providers:Tengr:AccountHoldFor"] = "00:02:00",
            ["Providers:HitPaw:PublicBaseUrl"] = "https://own.example/",
            ["BlazorCutout:PublicBaseUrl"] = "https://cutout.example/",
        }).Build();
        using var sp = new ServiceCollection().AddSingleton<ICutoutEngine, FakeEngine>().AddCutoutProviders(config).BuildServiceProvider();
        TOptions Options<TOptions>() where TOptions : class => sp.GetRequiredService<IOptions<TOptions>>().Value;

        var picwish = Options<PicWishOptions>();
        Assert.Equal((1.75, TimeSpan.FromMinutes(1), 1000L), (picwish.PollCadence().BackoffFactor, picwish.PollCadence().Deadline, picwish.MaxResultBytes));
        Assert.Equal(TimeSpan.FromSeconds(1), picwish.PollCadence().InitialDelay); // 004's cadence kept
        Assert.Equal(1.5, Options<GptGeOptions>().PollBackoffFactor);
        Assert.Equal(TimeSpan.FromMinutes(2), Options<TengrOptions>().AccountHoldFor);
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10)), (Options<HitPawOptions>().PollInitialDelay, Options<HitPawOptions>().PollDeadline));
        Assert.Equal(new Uri("https://own.example/"), Options<HitPawOptions>().PublicBaseUrl);
        Assert.Equal(new Uri("https://cutout.example/"), Options<TengrOptions>().PublicBaseUrl); // the top-level setting
        var tengr = (ReconfigurableProvider<TengrOptions>)sp.GetRequiredService<ProviderRegistry>().Get(TengrProvider.ProviderId);
        Assert.Equal(TimeSpan.FromMinutes(2), ((IProviderAccountStateSource)tengr.Current).Account.HoldFor);
    }

    [Fact]
    public void Availability_reasons_come_in_the_order_to_fix_them()
    {
        var urlOnly = Descriptors.Remote(inputs: ProviderInputs.Url) with { DisplayName = "HitPaw" };
        var account = new ProviderAccountState();
        var options = new DemoOptions();

        Assert.Equal("No API key is configured for HitPaw.", ProviderAvailabilityRules.Evaluate(urlOnly, options, true, account).Reason);
        options.ApiKey = new("sk-abcdefghijklmnop9999");
        Assert.Contains("needs a public base URL", ProviderAvailabilityRules.Evaluate(urlOnly, options, false, account).Reason);
        Assert.True(ProviderAvailabilityRules.Evaluate(urlOnly, options, true, account).IsAvailable);
        options.Enabled = false;
        Assert.Contains("disabled", ProviderAvailabilityRules.Evaluate(urlOnly, options, true, account).Reason);
    }

    [Fact]
    public void Account_state_remembers_coins_exhausted_for_a_while()
    {
        var clock = new ManualClock();
        var account = new ProviderAccountState(clock) { HoldFor = TimeSpan.FromMinutes(10) };
        account.Observe(new ProviderException(ProviderErrorCode.ServerError, "x", true));
        Assert.Null(account.Current());

        account.Observe(HttpErrorClassifier.FromStatus(System.Net.HttpStatusCode.PaymentRequired, "Submitting"));
        Assert.Contains("run out of coins", account.Current()!.Reason);

        clock.Now += TimeSpan.FromMinutes(11);
        Assert.Null(account.Current());

        account.Observe(HttpErrorClassifier.FromStatus(System.Net.HttpStatusCode.Unauthorized, "Submitting"));
        Assert.Contains("API key was refused", account.Current()!.Reason);
        account.Clear();
        Assert.Null(account.Current());
    }

    [Fact]
    public void A_held_account_refuses_with_the_code_that_caused_it_also_after_a_rebuild()
    {
        var clock = new ManualClock();
        var account = new ProviderAccountState(clock);
        Assert.Null(account.Refusal("Tengr.ai"));

        account.Observe(HttpErrorClassifier.FromStatus(System.Net.HttpStatusCode.Unauthorized, "Submitting"));
        var rebuilt = new ProviderAccountState(clock); // the provider rebuilt with changed settings, same account
        rebuilt.CopyFrom(account);

        var refusal = rebuilt.Refusal("Tengr.ai")!;
        Assert.Equal(ProviderErrorCode.AuthenticationFailed, refusal.Code);
        Assert.False(refusal.IsTransient);
        Assert.Equal("Tengr.ai: The API key was refused; an administrator must check it.", refusal.Message);

        clock.Now += rebuilt.HoldFor;
        Assert.Null(rebuilt.Refusal("Tengr.ai"));
    }
}
