using BlazorCutout.Engine;
using BlazorCutout.Providers.Local;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Security;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace BlazorCutout.Providers.Tests.Contract;

public class ProviderJobValidatorTests
{
    private static readonly JobImage File = JobImage.FromBytes(new byte[] { 1 }, "a.png", "image/png");
    private static readonly JobImage Url = JobImage.FromUrl(new Uri("https://app.example/s/abc?sig=x"));

    private static ProviderDescriptor Full(ProviderInputs inputs = ProviderInputs.File | ProviderInputs.Url) => Descriptors.Remote(
        inputs: inputs,
        operations: Enum.GetValues<ProviderOperation>(),
        options: new SupportedOptions
        {
            Outputs = new HashSet<OutputKind>(Enum.GetValues<OutputKind>()),
            Formats = new HashSet<OutputFormat> { OutputFormat.Png, OutputFormat.Jpg },
            SubjectType = true, Crop = true, BackgroundColor = true, BackgroundImage = true, Callback = true, MaxBatchSize = 4,
        });

    private static ProviderException Refusal(ProviderDescriptor d, ProviderOperation op, JobOptions o, JobImage? source = null, Uri? callback = null) =>
        Assert.Throws<ProviderException>(() => ProviderJobValidator.Validate(d, new ProviderJob("t", op, o, source ?? File, callback)));

    [Fact]
    public void Accepts_a_valid_job() =>
        ProviderJobValidator.Validate(Full(), new ProviderJob("t", ProviderOperation.GenerateBackground,
            new JobOptions { BackgroundPrompt = "a beach at dusk", BatchSize = 4 }, File, new Uri("https://app.example/cb")));

    [Fact]
    public void Refuses_an_operation_the_provider_lacks()
    {
        var e = Refusal(Descriptors.Remote(), ProviderOperation.SegmentByText, new JobOptions { TextPrompt = "cat" });
        Assert.Equal(ProviderErrorCode.UnsupportedOperation, e.Code);
        Assert.Contains("segmentation by text", e.Message);
    }

    [Fact]
    public void Url_only_provider_needs_a_public_url()
    {
        var d = Full(ProviderInputs.Url);
        Assert.True(d.NeedsPublicUrlForUploads);
        var e = Refusal(d, ProviderOperation.RemoveBackground, new JobOptions(), File);
        Assert.Equal(ProviderErrorCode.InputNotAccepted, e.Code);
        Assert.Contains("only takes images by URL", e.Message);
        ProviderJobValidator.Validate(d, new ProviderJob("t", ProviderOperation.RemoveBackground, new JobOptions(), Url));
    }

    [Theory]
    [InlineData("webp format")]
    [InlineData("colour and image")]
    [InlineData("bad colour")]
    [InlineData("mask options")]
    [InlineData("batch of 5")]
    [InlineData("batch for cutout")]
    [InlineData("no points")]
    [InlineData("point outside")]
    [InlineData("empty prompt")]
    [InlineData("long prompt")]
    [InlineData("blur out of range")]
    public void Refuses_invalid_options(string caseName)
    {
        var (op, o) = caseName switch
        {
            "webp format" => (ProviderOperation.RemoveBackground, new JobOptions { Format = OutputFormat.Webp }),
            "colour and image" => (ProviderOperation.RemoveBackground, new JobOptions { BackgroundColor = "ffffff", BackgroundImage = File }),
            "bad colour" => (ProviderOperation.RemoveBackground, new JobOptions { BackgroundColor = "#fff" }),
            "mask options" => (ProviderOperation.RemoveBackground, new JobOptions { Mask = new MaskOptions { Expand = 4 } }),
            "batch of 5" => (ProviderOperation.GenerateBackground, new JobOptions { BackgroundPrompt = "x", BatchSize = 5 }),
            "batch for cutout" => (ProviderOperation.RemoveBackground, new JobOptions { BatchSize = 2 }),
            "no points" => (ProviderOperation.SegmentByPoints, new JobOptions()),
            "point outside" => (ProviderOperation.SegmentByPoints, new JobOptions { PositivePoints = [new(1.5, 0.2)] }),
            "empty prompt" => (ProviderOperation.SegmentByText, new JobOptions { TextPrompt = " " }),
            "long prompt" => (ProviderOperation.GenerateBackground, new JobOptions { BackgroundPrompt = new string('x', 1025) }),
            "blur out of range" => (ProviderOperation.RemoveBackground, new JobOptions { Mask = new MaskOptions { BlurSigma = 0 } }),
            _ => throw new ArgumentOutOfRangeException(nameof(caseName)),
        };
        var e = Refusal(Full(), op, o);
        Assert.Contains(e.Code, new[] { ProviderErrorCode.InvalidOption });
        Assert.False(e.IsTransient);
    }

    [Fact]
    public void Refuses_a_callback_the_provider_cannot_send() =>
        Assert.Equal(ProviderErrorCode.InvalidOption,
            Refusal(Descriptors.Remote(), ProviderOperation.RemoveBackground, new JobOptions(), callback: new Uri("https://app.example/cb")).Code);
}

public class DescriptorPartsTests
{
    private static readonly ProviderLimits Limits = new()
    {
        MaxBytes = 20 * 1024 * 1024, MaxBytesByUrl = 30 * 1024 * 1024, MaxPixelsPerSide = 4096,
        AcceptedFormats = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "png", "jpeg", "webp" },
    };

    [Fact]
    public void Limits_name_what_was_exceeded()
    {
        Assert.Equal(ProviderErrorCode.FileTooLarge, Assert.Throws<ProviderException>(() => Limits.Check(new("png", 100, 100, 25 * 1024 * 1024))).Code);
        Limits.Check(new("png", 100, 100, 25 * 1024 * 1024), sentByUrl: true);
        var pixels = Assert.Throws<ProviderException>(() => Limits.Check(new("png", 5000, 100, 10)));
        Assert.Equal(ProviderErrorCode.TooManyPixels, pixels.Code);
        Assert.Contains("5000×100", pixels.Message);
        Assert.Equal(ProviderErrorCode.UnsupportedFormat, Assert.Throws<ProviderException>(() => Limits.Check(new("gif", 10, 10, 10))).Code);
        Limits.Check(new("JPEG", 4096, 4096, 10));
    }

    [Fact]
    public void Poll_cadence_backs_off_to_its_ceiling()
    {
        var c = new PollCadence(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3));
        Assert.Equal(new[] { 1, 2, 4, 5, 5 }, Enumerable.Range(0, 5).Select(i => (int)c.DelayBefore(i).TotalSeconds));
        var t0 = DateTimeOffset.UnixEpoch;
        Assert.False(c.IsPastDeadline(t0, t0.AddMinutes(2)));
        Assert.True(c.IsPastDeadline(t0, t0.AddMinutes(3)));
    }

    [Fact]
    public void Price_table_adds_operation_image_and_batch_parts()
    {
        var prices = new PriceTable("coins", new Dictionary<ProviderOperation, OperationPrice>
        {
            [ProviderOperation.RemoveBackground] = new(PerImage: 20),
            [ProviderOperation.GenerateBackground] = new(PerOperation: 1, PerBatchItem: 5),
        });
        Assert.Equal(new ProviderCost(20, "coins"), prices.Estimate(ProviderOperation.RemoveBackground));
        Assert.Equal(new ProviderCost(21, "coins"), prices.Estimate(ProviderOperation.GenerateBackground, batchSize: 4));
        Assert.Equal(0m, prices.Estimate(ProviderOperation.SegmentByText).Amount);
    }

    [Theory]
    [InlineData(401, ProviderErrorCode.AuthenticationFailed, false)]
    [InlineData(402, ProviderErrorCode.CoinsExhausted, false)]
    [InlineData(400, ProviderErrorCode.InvalidInput, false)]
    [InlineData(413, ProviderErrorCode.FileTooLarge, false)]
    [InlineData(404, ProviderErrorCode.NotFound, false)]
    [InlineData(408, ProviderErrorCode.Timeout, true)]
    [InlineData(429, ProviderErrorCode.RateLimited, true)]
    [InlineData(500, ProviderErrorCode.ServerError, true)]
    [InlineData(503, ProviderErrorCode.ServerError, true)]
    public void Http_statuses_map_to_stable_codes(int status, ProviderErrorCode code, bool transient)
    {
        var e = HttpErrorClassifier.FromStatus((System.Net.HttpStatusCode)status, "Submitting");
        Assert.Equal((code, transient), (e.Code, e.IsTransient));
        Assert.StartsWith("Submitting", e.Message);
    }

    [Fact]
    public void Signed_urls_stay_out_of_ToString()
    {
        var image = JobImage.FromUrl(new Uri("https://app.example/s/abc?sig=topsecret"));
        Assert.DoesNotContain("topsecret", image.ToString());
        Assert.DoesNotContain("topsecret", new ResultReference.Remote(ResultRole.Image, 0, new Uri("https://cdn.example/a.png?Signature=topsecret")).ToString());
    }
}

public class RegistryAndDiTests
{
    private sealed class StubProvider(string id, string name, bool available = true) : ICutoutProvider
    {
        public ProviderDescriptor Descriptor { get; } = Descriptors.Remote(id) with { DisplayName = name };
        public ProviderAvailability GetAvailability() => available ? ProviderAvailability.Available : ProviderAvailability.Unavailable("No API key configured.");
        public Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken ct) => throw new NotSupportedException();
        public Task<ProviderPoll> PollAsync(string id, CancellationToken ct) => throw new NotSupportedException();
        public Task<DownloadedContent> FetchAsync(ResultReference r, CancellationToken ct) => throw new NotSupportedException();
    }

    private static ServiceProvider Services(Dictionary<string, string?>? settings = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ICutoutEngine, FakeEngine>();
        services.AddCutoutProviders(config);
        services.AddCutoutProviders(config); // idempotent
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Registry_resolves_by_id_and_lists_the_default_first()
    {
        var registry = new ProviderRegistry([new StubProvider("tengr", "Tengr", available: false), new StubProvider("local", "Local"), new StubProvider("hitpaw", "HitPaw")]);
        Assert.Equal(["local", "hitpaw", "tengr"], registry.All.Select(p => p.Descriptor.Id));
        Assert.Equal("local", registry.Default!.Descriptor.Id);
        Assert.Equal("HitPaw", registry.Get("HITPAW").Descriptor.DisplayName);
        Assert.Equal(ProviderErrorCode.UnknownProvider, Assert.Throws<ProviderException>(() => registry.Get("nope")).Code);
        Assert.Equal("No API key configured.", registry.Describe().Single(d => d.Descriptor.Id == "tengr").Availability.Reason);
        Assert.Equal("tengr", registry.ForOperation(ProviderOperation.RemoveBackground).Last().Descriptor.Id);
    }

    [Fact]
    public void Duplicate_ids_fail_fast() =>
        Assert.Throws<InvalidOperationException>(() => new ProviderRegistry([new StubProvider("a", "A"), new StubProvider("A", "A2")]));

    [Fact]
    public void AddCutoutProviders_wires_the_local_default_and_the_infrastructure()
    {
        using var sp = Services();
        var registry = sp.GetRequiredService<ProviderRegistry>();
        // The local engine first and default; remote providers are listed too (unavailable until configured).
        Assert.IsType<LocalEngineProvider>(registry.All[0]);
        Assert.All(registry.All.Skip(1), p => Assert.False(p.GetAvailability().IsAvailable));
        Assert.IsType<LocalEngineProvider>(registry.Default);
        Assert.NotNull(sp.GetRequiredService<SafeDownloader>());
        Assert.NotNull(sp.GetRequiredService<ProviderHttpClientFactory>());
        Assert.False(sp.GetRequiredService<UrlGuard>().Options.AllowHttp);
    }

    [Fact]
    public void Configuration_sections_bind()
    {
        using var sp = Services(new()
        {
            ["Providers:Local:Enabled"] = "false",
            ["Security:UrlGuard:AllowHttp"] = "true",
            ["Security:UrlGuard:MaxRedirects"] = "1",
        });
        var local = sp.GetRequiredService<ProviderRegistry>().Get("local");
        Assert.False(local.GetAvailability().IsAvailable);
        // Limits are the engine's own, never a second copy in the provider's settings.
        var engineLimits = sp.GetRequiredService<ICutoutEngine>().Limits;
        Assert.Equal(engineLimits.MaxPixelsPerSide, local.Descriptor.Limits.MaxPixelsPerSide);
        Assert.Equal(engineLimits.MaxBytes, local.Descriptor.Limits.MaxBytes);
        Assert.True(engineLimits.Formats.SetEquals(local.Descriptor.Limits.AcceptedFormats));
        var guard = sp.GetRequiredService<UrlGuard>().Options;
        Assert.True(guard.AllowHttp);
        Assert.Equal(1, guard.MaxRedirects);
    }
}
