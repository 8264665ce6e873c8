using BlazorCutout.Engine;

namespace BlazorCutout.Providers.Tests.Support;

/// <summary>Records the request and answers with canned bytes, or throws what it is told to.</summary>
public sealed class FakeEngine : ICutoutEngine
{
    public static readonly byte[] ImageBytes = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];
    public static readonly byte[] MaskBytes = [0x89, 0x50, 0x4E, 0x47, 9, 9];

    public CutoutRequest? LastRequest { get; private set; }
    public CutoutException? Throw { get; set; }

    public EngineLimits Limits { get; set; } = new(12L * 1024 * 1024, 2048, new HashSet<string> { "png", "jpeg", "webp" });

    public ImageProbe Probe(ReadOnlySpan<byte> image) => new("png", 10, 10, image.Length);

    public Task<CutoutResult> CutOutAsync(CutoutRequest request, CancellationToken cancellationToken = default)
    {
        LastRequest = request;
        if (Throw is not null) throw Throw;
        var o = request.Options;
        var contentType = o.Format switch { OutputFormat.Jpg => "image/jpeg", OutputFormat.Webp => "image/webp", _ => "image/png" };
        return Task.FromResult(new CutoutResult
        {
            Image = o.Output == OutputKind.Mask ? null : ImageBytes,
            ImageContentType = o.Output == OutputKind.Mask ? null : contentType,
            Mask = o.Output == OutputKind.Image ? null : MaskBytes,
            Foreground = new PixelRect(1, 1, 5, 5),
            SourceWidth = 10, SourceHeight = 10, Width = 10, Height = 10,
            Timings = new CutoutTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero),
        });
    }
}
