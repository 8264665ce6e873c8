using System.Diagnostics;
using BlazorCutout.Engine;

namespace BlazorCutout.Cli;

internal static class RemoveCommand
{
    private static readonly Dictionary<string, OutputFormat> Formats = new()
    {
        ["png"] = OutputFormat.Png, ["jpg"] = OutputFormat.Jpg, ["jpeg"] = OutputFormat.Jpg, ["webp"] = OutputFormat.Webp,
    };
    private static readonly Dictionary<string, OutputKind> Kinds = new()
    {
        ["image"] = OutputKind.Image, ["mask"] = OutputKind.Mask, ["both"] = OutputKind.ImageAndMask,
    };
    private static readonly Dictionary<string, SubjectType> Types = new()
    {
        ["auto"] = SubjectType.Auto, ["person"] = SubjectType.Person, ["object"] = SubjectType.Object, ["stamp"] = SubjectType.Stamp,
    };
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".jfif", ".png", ".webp", ".tif", ".tiff", ".gif", ".heic", ".heif", ".avif", ".bmp"];

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = new List<string>();
        OutputFormat? format = null;
        var kind = OutputKind.Image;
        bool crop = false, tapered = false;
        int margin = 0, expand = 0, kernel = 0;
        double blur = 0.1;
        string? bgColor = null, bgImage = null, prompt = null, assets = null, model = null;
        var type = SubjectType.Auto;
        var positive = new List<NormalizedPoint>();
        var negative = new List<NormalizedPoint>();

        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--format": format = ArgReader.Enum(args, ref i, Formats); break;
                case "--output": kind = ArgReader.Enum(args, ref i, Kinds); break;
                case "--crop": crop = true; break;
                case "--margin": margin = ArgReader.Int(args, ref i); break;
                case "--bg-color": bgColor = ArgReader.Value(args, ref i); break;
                case "--bg-image": bgImage = ArgReader.Value(args, ref i); break;
                case "--type": type = ArgReader.Enum(args, ref i, Types); break;
                case "--mask-expand": expand = ArgReader.Int(args, ref i); break;
                case "--mask-blur": blur = ArgReader.Double(args, ref i); break;
                case "--mask-kernel": kernel = ArgReader.Int(args, ref i); break;
                case "--tapered": tapered = true; break;
                case "--point": positive.Add(ArgReader.Point(args, ref i)); break;
                case "--negative": negative.Add(ArgReader.Point(args, ref i)); break;
                case "--prompt": prompt = ArgReader.Value(args, ref i); break;
                case "--assets": assets = ArgReader.Value(args, ref i); break;
                case "--model": model = ArgReader.Value(args, ref i); break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unknown option {args[i]}");
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count != 2) throw new UsageException("remove needs IN and OUT");
        var (input, output) = (positional[0], positional[1]);

        var cfg = new EngineOptions();
        if (assets is not null) cfg.AssetsDirectory = assets;
        if (model is not null) cfg.ModelPath = model;
        using var engine = new CutoutEngine(cfg);

        byte[]? bg = bgImage is null ? null : await ReadInput(bgImage);
        CutoutOptions Options(OutputFormat f) => new()
        {
            Output = kind,
            Format = f,
            Crop = crop,
            CropMargin = margin,
            BackgroundColor = bgColor,
            BackgroundImage = bg is null ? (ReadOnlyMemory<byte>?)null : bg,
            Type = type,
            Mask = new MaskOptions { Expand = expand, BlurSigma = blur, KernelSize = kernel, TaperedCorners = tapered },
            PositivePoints = positive,
            NegativePoints = negative,
            TextPrompt = prompt,
        };

        if (Directory.Exists(input))
        {
            var f = format ?? OutputFormat.Png;
            Directory.CreateDirectory(output);
            var files = Directory.EnumerateFiles(input)
                .Where(p => ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new UsageException($"no images in folder {input}");
            int ok = 0, failed = 0;
            var all = Stopwatch.StartNew();
            foreach (var file in files)
            {
                var target = Path.Combine(output, Path.GetFileNameWithoutExtension(file) + Extension(f));
                try
                {
                    var r = await CutOne(engine, file, target, Options(f), kind);
                    ok++;
                    Console.WriteLine($"{Path.GetFileName(file)} -> {target}  {r.Width}x{r.Height}  {r.Timings.Total.TotalMilliseconds:0} ms");
                }
                catch (CutoutException e)
                {
                    failed++;
                    Console.Error.WriteLine($"{Path.GetFileName(file)}: {e.Code}: {e.Message}");
                }
            }
            Console.WriteLine($"{ok} cut out, {failed} failed in {all.Elapsed.TotalSeconds:0.0} s");
            return failed == 0 ? 0 : 1;
        }

        var fmt = format ?? FormatFromExtension(output) ?? OutputFormat.Png;
        var result = await CutOne(engine, input, output, Options(fmt), kind);
        var t = result.Timings;
        Console.WriteLine($"{input} -> {output}  {result.Width}x{result.Height} (source {result.SourceWidth}x{result.SourceHeight}, " +
                          $"subject {result.Foreground.X},{result.Foreground.Y} {result.Foreground.Width}x{result.Foreground.Height})  " +
                          $"decode {t.Decode.TotalMilliseconds:0} ms, inference {t.Inference.TotalMilliseconds:0} ms, " +
                          $"post {t.PostProcess.TotalMilliseconds:0} ms, encode {t.Encode.TotalMilliseconds:0} ms, total {t.Total.TotalMilliseconds:0} ms");
        return 0;
    }

    private static async Task<CutoutResult> CutOne(CutoutEngine engine, string file, string target, CutoutOptions options, OutputKind kind)
    {
        var bytes = await ReadInput(file);
        var result = await engine.CutOutAsync(new CutoutRequest(bytes, options));
        var dir = Path.GetDirectoryName(Path.GetFullPath(target));
        if (dir is not null) Directory.CreateDirectory(dir);
        if (kind == OutputKind.Mask)
        {
            await File.WriteAllBytesAsync(target, result.Mask!);
        }
        else
        {
            await File.WriteAllBytesAsync(target, result.Image!);
            if (kind == OutputKind.ImageAndMask)
                await File.WriteAllBytesAsync(Path.Combine(dir ?? ".", Path.GetFileNameWithoutExtension(target) + ".mask.png"), result.Mask!);
        }
        return result;
    }

    private static async Task<byte[]> ReadInput(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"no such file: {path}");
        return await File.ReadAllBytesAsync(path);
    }

    private static OutputFormat? FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => OutputFormat.Png,
        ".jpg" or ".jpeg" => OutputFormat.Jpg,
        ".webp" => OutputFormat.Webp,
        _ => null,
    };

    private static string Extension(OutputFormat f) => f switch { OutputFormat.Jpg => ".jpg", OutputFormat.Webp => ".webp", _ => ".png" };
}
