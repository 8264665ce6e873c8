using BlazorCutout.Engine.Tests.Engine;
using Xunit;

namespace BlazorCutout.Engine.Tests.Cli;

/// <summary>
/// <c>cutout-cli remove</c> as a user runs it: the built executable, real photos, the real engine. In the "engine"
/// collection for its asset and photo paths, and so the processes do not compete with the in-process engine for the CPU.
/// </summary>
[Collection("engine")]
public sealed class RemoveCommandTests(EngineFixture f) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("blazorcutout-cli-").FullName;

    private Task<CutoutCli.Outcome> RemoveAsync(params string[] args) => CutoutCli.RunAsync(f.AssetsDirectory, _work, ["remove", .. args]);

    [Fact]
    public async Task One_photo_becomes_a_png_that_is_opaque_on_the_subject_and_transparent_around_it()
    {
        var output = Path.Combine(_work, "astronaut-cut.png");

        var run = await RemoveAsync(Path.Combine(f.ImagesDirectory, "astronaut.png"), output);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("512x512", run.Output);
        var cut = Decoded.From(await File.ReadAllBytesAsync(output));
        Assert.Equal((512, 512, 4), (cut.Width, cut.Height, cut.Bands));
        // The regions CutoutQualityTests checks in-process: the face, and the wall in the top-right corner.
        Assert.True(cut.Mean(0.40, 0.20, 0.50, 0.30, band: 3) > 240, "the face should be opaque");
        Assert.True(cut.Mean(0.92, 0.0, 1.0, 0.08, band: 3) < 15, "the corner should be transparent");
    }

    [Fact]
    public async Task A_folder_has_every_image_cut_out_and_a_broken_one_reported_by_name_with_a_failing_exit_code()
    {
        var input = Directory.CreateDirectory(Path.Combine(_work, "in")).FullName;
        File.Copy(Path.Combine(f.ImagesDirectory, "chelsea.png"), Path.Combine(input, "chelsea.png"));
        File.Copy(Path.Combine(f.ImagesDirectory, "rocket.jpg"), Path.Combine(input, "rocket.jpg"));
        await File.WriteAllTextAsync(Path.Combine(input, "broken.png"), "not a picture");
        await File.WriteAllTextAsync(Path.Combine(input, "notes.txt"), "not an image name: skipped, not failed");
        var output = Path.Combine(_work, "out");

        var run = await RemoveAsync(input, output);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("2 cut out, 1 failed", run.Output);
        Assert.Contains("broken.png: NotAnImage", run.Errors);
        Assert.Equal(["chelsea.png", "rocket.png"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var cat = Decoded.From(await File.ReadAllBytesAsync(Path.Combine(output, "chelsea.png")));
        Assert.Equal((451, 300, 4), (cat.Width, cat.Height, cat.Bands));
        var rocket = Decoded.From(await File.ReadAllBytesAsync(Path.Combine(output, "rocket.png")));
        Assert.Equal((640, 427, 4), (rocket.Width, rocket.Height, rocket.Bands));
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_with_the_reason_and_nothing_is_written()
    {
        var input = Path.Combine(_work, "notes.png");
        await File.WriteAllTextAsync(input, "not a picture");
        var output = Path.Combine(_work, "out.png");

        var run = await RemoveAsync(input, output);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("cutout: NotAnImage: The file is not an image this engine recognises", run.Errors);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_missing_file_is_named_in_the_message()
    {
        var missing = Path.Combine(_work, "missing.png");

        var run = await RemoveAsync(missing, Path.Combine(_work, "out.png"));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith($"cutout: no such file: {missing}", run.Errors);
    }

    [Fact]
    public async Task A_damaged_photo_is_refused_in_our_words_and_libvips_prints_nothing()
    {
        // Half a JPEG: libvips warns "error in tile ..." through GLib (VIPS-WARNING on stderr by default) and fails
        // with its own text; the CLI shows one line of ours.
        var jpeg = await File.ReadAllBytesAsync(Path.Combine(f.ImagesDirectory, "rocket.jpg"));
        var input = Path.Combine(_work, "half.jpg");
        await File.WriteAllBytesAsync(input, jpeg[..(jpeg.Length / 2)]);
        var output = Path.Combine(_work, "half.png");

        var run = await RemoveAsync(input, output);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("cutout: CorruptImage: The image is damaged or truncated and cannot be decoded.", run.Errors.Trim());
        Assert.DoesNotContain("VIPS", run.Output + run.Errors, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(output));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
