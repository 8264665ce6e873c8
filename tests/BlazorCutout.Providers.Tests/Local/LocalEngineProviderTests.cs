using BlazorCutout.Engine;
using BlazorCutout.Providers.Local;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.Extensions.Options;
using Xunit;

namespace BlazorCutout.Providers.Tests.Local;

public class LocalEngineProviderTests
{
    private static readonly byte[] Source = [1, 2, 3, 4];
    private readonly FakeEngine _engine = new();
    private readonly LocalEngineProvider _provider;

    public LocalEngineProviderTests() => _provider = new LocalEngineProvider(_engine, Options.Create(new LocalProviderOptions()));

    private static ProviderJob Job(ProviderOperation op, JobOptions? options = null, JobImage? source = null) =>
        new("task-1", op, options ?? new JobOptions(), source ?? JobImage.FromBytes(Source, "a.png", "image/png"));

    [Fact]
    public void Descriptor_declares_a_synchronous_free_file_provider()
    {
        var d = _provider.Descriptor;
        Assert.Equal("local", d.Id);
        Assert.True(d.IsSynchronous);
        Assert.Equal(ProviderInputs.File, d.Inputs);
        Assert.Equal([ProviderOperation.RemoveBackground, ProviderOperation.SegmentByPoints], d.Operations.Order());
        Assert.Equal(0m, d.Prices.Estimate(ProviderOperation.RemoveBackground).Amount);
        Assert.True(_provider.GetAvailability().IsAvailable);
    }

    [Fact]
    public async Task Submit_returns_the_result_inline_at_once()
    {
        var submission = await _provider.SubmitAsync(Job(ProviderOperation.RemoveBackground,
            new JobOptions { Output = OutputKind.ImageAndMask, Format = OutputFormat.Webp }), CancellationToken.None);

        var done = Assert.IsType<ProviderSubmission.Completed>(submission).Result;
        Assert.Collection(done.Results,
            r => Assert.Equal((ResultRole.Image, "image/webp"), (r.Role, ((ResultReference.Inline)r).ContentType)),
            r => Assert.Equal((ResultRole.Mask, "image/png"), (r.Role, ((ResultReference.Inline)r).ContentType)));
        var fetched = await _provider.FetchAsync(done.Results[0], CancellationToken.None);
        Assert.Equal(FakeEngine.ImageBytes, fetched.Bytes);
        Assert.Equal(0m, done.ReportedCost!.Value.Amount);
    }

    [Fact]
    public async Task Maps_options_one_to_one()
    {
        var bg = new byte[] { 7, 7 };
        await _provider.SubmitAsync(Job(ProviderOperation.RemoveBackground, new JobOptions
        {
            Output = OutputKind.Mask, Format = OutputFormat.Jpg, Crop = true, BackgroundColor = "81d4fa", Type = SubjectType.Person,
            Mask = new MaskOptions { Expand = 3, BlurSigma = 2 },
            BackgroundImage = JobImage.FromBytes(bg, "bg.png", "image/png"),
        }), CancellationToken.None);

        var r = _engine.LastRequest!;
        Assert.Equal(Source, r.Image.ToArray());
        Assert.Equal(OutputKind.Mask, r.Options.Output);
        Assert.Equal(OutputFormat.Jpg, r.Options.Format);
        Assert.True(r.Options.Crop);
        Assert.Equal("81d4fa", r.Options.BackgroundColor);
        Assert.Equal(bg, r.Options.BackgroundImage!.Value.ToArray());
        Assert.Equal(SubjectType.Person, r.Options.Type);
        Assert.Equal(3, r.Options.Mask.Expand);
        Assert.Null(r.Options.TextPrompt);
    }

    [Fact]
    public async Task Points_reach_the_engine_only_for_point_segmentation()
    {
        var options = new JobOptions { PositivePoints = [new(0.5, 0.5)], NegativePoints = [new(0.1, 0.1)] };
        await _provider.SubmitAsync(Job(ProviderOperation.SegmentByPoints, options), CancellationToken.None);
        Assert.Equal([new NormalizedPoint(0.5, 0.5)], _engine.LastRequest!.Options.PositivePoints);
        Assert.Equal([new NormalizedPoint(0.1, 0.1)], _engine.LastRequest!.Options.NegativePoints);

        await _provider.SubmitAsync(Job(ProviderOperation.RemoveBackground, options), CancellationToken.None);
        Assert.Empty(_engine.LastRequest!.Options.PositivePoints);
    }

    [Theory]
    [InlineData(ProviderOperation.SegmentByText, "segment by text")]
    [InlineData(ProviderOperation.GenerateBackground, "generate backgrounds")]
    public async Task Unsupported_operations_are_refused_with_a_reason(ProviderOperation op, string reason)
    {
        var e = await Assert.ThrowsAsync<ProviderException>(() =>
            _provider.SubmitAsync(Job(op, new JobOptions { TextPrompt = "cat", BackgroundPrompt = "beach" }), CancellationToken.None));
        Assert.Equal(ProviderErrorCode.UnsupportedOperation, e.Code);
        Assert.False(e.IsTransient);
        Assert.Contains(reason, e.Message);
        Assert.Null(_engine.LastRequest);
    }

    [Fact]
    public async Task A_url_only_source_is_refused()
    {
        var e = await Assert.ThrowsAsync<ProviderException>(() => _provider.SubmitAsync(
            Job(ProviderOperation.RemoveBackground, source: JobImage.FromUrl(new Uri("https://app.example/s/abc"))), CancellationToken.None));
        Assert.Equal(ProviderErrorCode.InputNotAccepted, e.Code);
    }

    [Fact]
    public async Task Poll_is_meaningless_and_says_so() =>
        Assert.Equal(ProviderErrorCode.NotFound,
            (await Assert.ThrowsAsync<ProviderException>(() => _provider.PollAsync("x", CancellationToken.None))).Code);

    public static TheoryData<CutoutErrorCode> AllEngineCodes() => new(Enum.GetValues<CutoutErrorCode>());

    [Theory]
    [MemberData(nameof(AllEngineCodes))]
    public async Task Every_engine_error_keeps_its_message_and_is_classified(CutoutErrorCode code)
    {
        _engine.Throw = new CutoutException(code, $"User-facing text for {code}.");
        var e = await Assert.ThrowsAsync<ProviderException>(() => _provider.SubmitAsync(Job(ProviderOperation.RemoveBackground), CancellationToken.None));
        Assert.Equal($"User-facing text for {code}.", e.Message);
        Assert.NotEqual(ProviderErrorCode.ProviderFailed, e.Code); // every engine code has a deliberate mapping
        Assert.Equal(code == CutoutErrorCode.Busy, e.IsTransient);
        Assert.Same(_engine.Throw, e.InnerException);
    }

    [Theory]
    [InlineData(CutoutErrorCode.Busy, ProviderErrorCode.Busy)]
    [InlineData(CutoutErrorCode.TooManyPixels, ProviderErrorCode.TooManyPixels)]
    [InlineData(CutoutErrorCode.UnsupportedFormat, ProviderErrorCode.UnsupportedFormat)]
    [InlineData(CutoutErrorCode.AssetMissing, ProviderErrorCode.ProviderMisconfigured)]
    [InlineData(CutoutErrorCode.TextPromptUnsupported, ProviderErrorCode.UnsupportedOperation)]
    public void Maps_engine_codes(CutoutErrorCode from, ProviderErrorCode to) =>
        Assert.Equal(to, LocalEngineProvider.Map(new CutoutException(from, "m")).Code);

    [Fact]
    public void Disabled_by_configuration_is_unavailable_with_a_reason()
    {
        var p = new LocalEngineProvider(_engine, Options.Create(new LocalProviderOptions { Enabled = false }));
        var a = p.GetAvailability();
        Assert.False(a.IsAvailable);
        Assert.Contains("disabled", a.Reason);
    }
}
