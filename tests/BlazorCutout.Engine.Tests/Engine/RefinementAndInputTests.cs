using Xunit;
using System.Buffers.Binary;
using System.IO.Compression;
using BlazorCutout.Engine.Pipeline;

namespace BlazorCutout.Engine.Tests.Engine;

[Collection("engine")]
public sealed class PointRefinementEngineTests(EngineFixture f)
{
    private async Task<Decoded> Mask(string photo, NormalizedPoint[] positive, NormalizedPoint[] negative)
    {
        var r = await f.Engine.CutOutAsync(new CutoutRequest(f.Photo(photo),
            new CutoutOptions { Output = OutputKind.Mask, PositivePoints = positive, NegativePoints = negative }));
        return Decoded.From(r.Mask!);
    }

    [Fact]
    public async Task A_negative_click_removes_a_wrongly_kept_region()
    {
        // The generic model keeps the launch towers; a click on the left one removes it, the rocket stays.
        var before = await Mask("rocket.jpg", [], []);
        var after = await Mask("rocket.jpg", [], [new NormalizedPoint(0.07, 0.35)]);
        double tower = before.Mean(0.0, 0.05, 0.14, 0.65, 0), towerAfter = after.Mean(0.0, 0.05, 0.14, 0.65, 0);
        Assert.True(tower > 40, $"the model keeps the tower ({tower:0})");
        Assert.True(towerAfter < tower * 0.25, $"the negative click removes it ({towerAfter:0} vs {tower:0})");
        Assert.True(after.Mean(0.485, 0.50, 0.51, 0.70, 0) > 240, "the rocket stays");
        Assert.True(after.Mean(0.27, 0.5, 0.32, 0.8, 0) > before.Mean(0.27, 0.5, 0.32, 0.8, 0) * 0.8, "the other tower is untouched");
    }

    [Fact]
    public async Task A_positive_click_restores_a_lost_region()
    {
        // The table in the bottom-right corner is background to the model; a click on it claims it.
        var before = await Mask("coffee.png", [], []);
        var after = await Mask("coffee.png", [new NormalizedPoint(0.92, 0.90)], []);
        Assert.True(before.Mean(0.90, 0.88, 0.94, 0.92, 0) < 30, "the model drops the table");
        Assert.True(after.Mean(0.90, 0.88, 0.94, 0.92, 0) > 200, "the positive click restores it");
        Assert.True(after.Mean(0.40, 0.32, 0.55, 0.42, 0) > 240, "the cup stays");
    }

    [Fact]
    public async Task Text_prompts_are_refused_clearly()
    {
        var e = await Assert.ThrowsAsync<CutoutException>(() => f.Engine.CutOutAsync(new CutoutRequest(f.Photo("coffee.png"),
            new CutoutOptions { TextPrompt = "the cup" })));
        Assert.Equal(CutoutErrorCode.TextPromptUnsupported, e.Code);
        Assert.Contains("text", e.Message);
    }
}

/// <summary>Bad input gets a specific refusal and the engine keeps working.</summary>
[Collection("engine")]
public sealed class BadInputTests(EngineFixture f)
{
    private async Task<CutoutException> Refused(byte[] image, CutoutOptions? options = null)
        => await Assert.ThrowsAsync<CutoutException>(() => f.Engine.CutOutAsync(new CutoutRequest(image, options ?? new CutoutOptions())));

    [Fact]
    public async Task Empty_input() => Assert.Equal(CutoutErrorCode.Empty, (await Refused([])).Code);

    [Fact]
    public async Task Not_an_image() => Assert.Equal(CutoutErrorCode.NotAnImage, (await Refused("hello, this is plain text, not a picture"u8.ToArray())).Code);

    [Fact]
    public async Task Truncated_jpeg()
    {
        var jpeg = f.Photo("rocket.jpg");
        var e = await Refused(jpeg[..(jpeg.Length / 2)]);
        Assert.Equal(CutoutErrorCode.CorruptImage, e.Code);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public async Task Over_the_byte_limit()
    {
        var big = new byte[20 * 1024 * 1024 + 1];
        f.Photo("rocket.jpg").CopyTo(big, 0);
        var e = await Refused(big);
        Assert.Equal(CutoutErrorCode.FileTooLarge, e.Code);
        Assert.Contains("20 MB", e.Message);
    }

    [Fact]
    public async Task Over_4096_pixels_per_side()
    {
        var wide = ImageIO.EncodeImage(new byte[4097 * 2 * 3], 4097, 2, 3, OutputFormat.Png, new EngineOptions());
        var e = await Refused(wide);
        Assert.Equal(CutoutErrorCode.TooManyPixels, e.Code);
        Assert.Contains("4097x2", e.Message);
    }

    [Fact]
    public void The_pixel_limit_is_configurable()
    {
        using var small = new CutoutEngine(new EngineOptions { AssetsDirectory = f.AssetsDirectory, MaxPixelsPerSide = 256 });
        var e = Assert.Throws<CutoutException>(() => small.Probe(f.Photo("astronaut.png")));
        Assert.Equal(CutoutErrorCode.TooManyPixels, e.Code);
        Assert.Equal(512, f.Engine.Probe(f.Photo("astronaut.png")).Width);
    }

    [Fact]
    public async Task Decompression_bomb_is_refused_from_the_header()
    {
        // 60 KB PNG claiming 60000 x 60000 pixels of zeros (would be 10.8 GB decoded).
        var bomb = BombPng(60000, 60000);
        Assert.True(bomb.Length < 200_000);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var e = await Refused(bomb);
        Assert.Equal(CutoutErrorCode.TooManyPixels, e.Code);
        Assert.Contains("60000x60000", e.Message);
        Assert.True(sw.ElapsedMilliseconds < 1000, "refused from the header, without decoding");
    }

    [Fact]
    public async Task Unsupported_formats_are_named()
    {
        var bmp = new byte[64];
        "BM"u8.CopyTo(bmp);
        var e = await Refused(bmp);
        Assert.Equal(CutoutErrorCode.UnsupportedFormat, e.Code);
        Assert.Contains("BMP", e.Message);

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"u8.ToArray();
        Assert.Equal(CutoutErrorCode.UnsupportedFormat, (await Refused(svg)).Code);
    }

    public static TheoryData<string> BadOptions => ["expand", "shrink", "sigma-low", "sigma-high", "kernel", "point", "color", "margin", "format"];

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Out_of_range_options_are_refused(string which)
    {
        var o = which switch
        {
            "expand" => new CutoutOptions { Mask = new MaskOptions { Expand = 16385 } },
            "shrink" => new CutoutOptions { Mask = new MaskOptions { Expand = -16385 } },
            "sigma-low" => new CutoutOptions { Mask = new MaskOptions { BlurSigma = 0.05 } },
            "sigma-high" => new CutoutOptions { Mask = new MaskOptions { BlurSigma = 100.5 } },
            "kernel" => new CutoutOptions { Mask = new MaskOptions { KernelSize = 101 } },
            "point" => new CutoutOptions { NegativePoints = [new NormalizedPoint(1.5, 0.2)] },
            "color" => new CutoutOptions { Format = OutputFormat.Jpg, BackgroundColor = "blue" },
            "margin" => new CutoutOptions { Crop = true, CropMargin = -1 },
            _ => new CutoutOptions { Format = (OutputFormat)7 },
        };
        var e = await Refused(f.Photo("coffee.png"), o);
        Assert.Equal(CutoutErrorCode.InvalidOption, e.Code);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public async Task The_engine_stays_healthy_after_refusals()
    {
        await Refused([]);
        await Refused(BombPng(50000, 50000));
        var jpeg = f.Photo("rocket.jpg");
        await Refused(jpeg[..(jpeg.Length / 3)]);
        var ok = await f.Engine.CutOutAsync(new CutoutRequest(jpeg, new CutoutOptions()));
        Assert.Equal((640, 427), (ok.Width, ok.Height));
    }

    /// <summary>A valid PNG of the given size whose IDAT is a tiny deflate stream (it would inflate to w*h+h bytes).</summary>
    internal static byte[] BombPng(int w, int h)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 8; ihdr[9] = 0; // 8-bit greyscale
        Chunk(ms, "IHDR", ihdr);
        using (var z = new MemoryStream())
        {
            using (var d = new ZLibStream(z, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var row = new byte[w + 1];
                for (int y = 0; y < 8; y++) d.Write(row); // only a few rows: the header is what matters
            }
            Chunk(ms, "IDAT", z.ToArray());
        }
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var t = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(t);
        s.Write(data);
        uint crc = Crc(t, data);
        BinaryPrimitives.WriteUInt32BigEndian(len, crc);
        s.Write(len);
    }

    private static uint Crc(byte[] a, byte[] b)
    {
        uint c = 0xFFFFFFFF;
        foreach (var part in new[] { a, b })
            foreach (var v in part)
            {
                c ^= v;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
        return c ^ 0xFFFFFFFF;
    }
}

/// <summary>Assets, queueing and lifetime; these make their own engines (none of them loads a second model).</summary>
[Collection("engine")]
public sealed class EngineLifecycleTests(EngineFixture f)
{
    [Fact]
    public async Task A_missing_asset_is_named()
    {
        var empty = Directory.CreateTempSubdirectory("cutout-assets-").FullName;
        try
        {
            using var engine = new CutoutEngine(new EngineOptions { AssetsDirectory = empty });
            var e = Assert.Throws<CutoutException>(engine.Warmup);
            Assert.Equal(CutoutErrorCode.AssetMissing, e.Code);
            Assert.Contains(empty, e.Message);
            Assert.Contains("engine-assets.sh", e.Message);
        }
        finally { Directory.Delete(empty, true); }
        await Task.CompletedTask;
    }

    [Fact]
    public void A_model_with_the_wrong_checksum_is_refused_naming_the_file()
    {
        var model = Path.Combine(f.AssetsDirectory, EngineAssets.ModelFile);
        using var engine = new CutoutEngine(new EngineOptions { AssetsDirectory = f.AssetsDirectory, ModelPath = model, ModelSha256 = new string('0', 64) });
        var e = Assert.Throws<CutoutException>(engine.Warmup);
        Assert.Equal(CutoutErrorCode.AssetCorrupt, e.Code);
        Assert.Contains(model, e.Message);
    }

    [Fact]
    public void A_corrupt_model_file_is_refused_naming_the_file()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"cutout-bad-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(bad, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);
        try
        {
            using var engine = new CutoutEngine(new EngineOptions { AssetsDirectory = f.AssetsDirectory, ModelPath = bad });
            var e = Assert.Throws<CutoutException>(engine.Warmup);
            Assert.Equal(CutoutErrorCode.AssetCorrupt, e.Code);
            Assert.Contains(bad, e.Message);
        }
        finally { File.Delete(bad); }
    }

    [Fact]
    public async Task Requests_beyond_the_queue_are_refused_as_busy()
    {
        // Same session settings as the shared engine but a queue of 0: one runs, the second is refused at once.
        using var engine = new CutoutEngine(new EngineOptions { AssetsDirectory = f.AssetsDirectory, MaxQueue = 0, MaxConcurrency = 1 });
        var photo = f.Photo("chelsea.png");
        var first = engine.CutOutAsync(new CutoutRequest(photo, new CutoutOptions()));
        var second = engine.CutOutAsync(new CutoutRequest(photo, new CutoutOptions()));
        var results = await Task.WhenAll(Wrap(first), Wrap(second));
        Assert.Single(results, r => r is null);
        Assert.Single(results, r => r is CutoutException { Code: CutoutErrorCode.Busy });

        static async Task<Exception?> Wrap(Task t)
        {
            try { await t; return null; } catch (Exception e) { return e; }
        }
    }

    [Fact]
    public async Task Dependency_injection_gives_one_shared_engine()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddCutoutEngine(o => o.AssetsDirectory = f.AssetsDirectory);
        await using var sp = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var a = (ICutoutEngine)sp.GetService(typeof(ICutoutEngine))!;
        var b = (ICutoutEngine)sp.GetService(typeof(ICutoutEngine))!;
        Assert.Same(a, b);
        Assert.Equal(600, a.Probe(f.Photo("coffee.png")).Width);
    }
}
