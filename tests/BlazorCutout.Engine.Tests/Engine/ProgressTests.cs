using Xunit;

namespace BlazorCutout.Engine.Tests.Engine;

[Collection("engine")]
public sealed class ProgressTests(EngineFixture f)
{
    /// <summary>Collects reports on the engine's thread, as they happen (Progress&lt;T&gt; would post them later, out of order).</summary>
    private sealed class Recorder : IProgress<CutoutProgress>
    {
        public List<CutoutProgress> Reports { get; } = [];
        public void Report(CutoutProgress value) { lock (Reports) Reports.Add(value); }
    }

    [Theory]
    [InlineData(OutputKind.ImageAndMask)]
    [InlineData(OutputKind.Mask)]
    public async Task A_run_reports_every_stage_once_in_order_with_growing_percentages(OutputKind output)
    {
        var recorder = new Recorder();
        var result = await f.Engine.CutOutAsync(new CutoutRequest(f.Photo("coffee.png"), new CutoutOptions { Output = output }) { Progress = recorder });

        Assert.NotNull(result.Mask);
        Assert.Equal([CutoutStage.Decode, CutoutStage.Inference, CutoutStage.Refinement, CutoutStage.Encode], recorder.Reports.Select(r => r.Stage));
        var percents = recorder.Reports.Select(r => r.Percent).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(percents.Count, percents.Distinct().Count());
        Assert.All(percents, p => Assert.InRange(p, 1, 99)); // 100 is the caller's to say, once the result is stored
    }

    [Fact]
    public async Task A_refused_image_reports_nothing()
    {
        var recorder = new Recorder();
        await Assert.ThrowsAsync<CutoutException>(() => f.Engine.CutOutAsync(new CutoutRequest("not an image"u8.ToArray(), new CutoutOptions()) { Progress = recorder }));
        Assert.Empty(recorder.Reports);
    }
}
