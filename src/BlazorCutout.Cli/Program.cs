using System.Globalization;
using BlazorCutout.Cli;
using BlazorCutout.Engine;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.Out.Write(Usage.Text);
    return args.Length == 0 ? 2 : 0;
}

try
{
    return args[0] switch
    {
        "remove" => await RemoveCommand.RunAsync(args[1..]),
        "bench" => await BenchCommand.RunAsync(args[1..]),
        _ => Fail($"unknown command \"{args[0]}\"\n\n{Usage.Text}"),
    };
}
catch (CutoutException e)
{
    return Fail($"{e.Code}: {e.Message}");
}
catch (UsageException e)
{
    return Fail($"{e.Message}\n(cutout-cli --help for usage)");
}

static int Fail(string message)
{
    Console.Error.WriteLine("cutout: " + message);
    return 1;
}

namespace BlazorCutout.Cli
{
    internal sealed class UsageException(string message) : Exception(message);

    internal static class Usage
    {
        public const string Text = """
            cutout-cli remove IN OUT [options]     cut out one image, or every image of folder IN into folder OUT
              --format png|jpg|webp                 output format (default: from OUT's extension, else png)
              --output image|mask|both              what to write (both: OUT and OUT's name + .mask.png)
              --crop [--margin N]                   crop to the subject, keeping N pixels around it
              --bg-color HEX                        solid background (jpg defaults to white)
              --bg-image FILE                       background image: centred, scaled to fill, excess cropped
              --type auto|person|object|stamp       foreground hint (recorded)
              --mask-expand N                       grow (negative: shrink) the mask by N pixels (-16384..16384)
              --mask-blur SIGMA                     Gaussian blur of the mask edge (0.1..100)
              --mask-kernel N                       blur kernel size (0..100, 0 = automatic)
              --tapered                             round the corners when expanding
              --point X,Y  /  --negative X,Y        keep / remove the region at normalised point (0..1), repeatable
              --prompt TEXT                         text prompt (refused: the local engine cannot)
              --assets DIR                          engine assets (default: $BlazorCutout__Engine__AssetsDirectory or data/engine)
              --model FILE                          another ISNet/U2-Net style ONNX model
            cutout-cli bench [--images DIR] [--runs N] [--warmup N] [--format png|jpg|webp] [--json FILE]
                                                    median/p95 end-to-end, inference, overhead %, peak RSS
              [--no-peer] [--masks-out DIR] [--masks-against DIR] [--no-memory-arena] [--memory-pattern] [--intra-op-threads N]
                                                    write our masks (DIR/<image>.gray), or compare them with
                                                    masks another build of the engine wrote (mean difference)
            cutout-cli bench pieces [--image FILE] [--rounds N]
                                                    our PNG encoder and mask blur against libvips' own

            """;
    }

    internal static class ArgReader
    {
        public static string Value(string[] args, ref int i)
        {
            if (i + 1 >= args.Length) throw new UsageException($"{args[i]} needs a value");
            return args[++i];
        }

        public static int Int(string[] args, ref int i)
        {
            var name = args[i];
            var v = Value(args, ref i);
            return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"{name} needs a whole number, got \"{v}\"");
        }

        public static double Double(string[] args, ref int i)
        {
            var name = args[i];
            var v = Value(args, ref i);
            return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"{name} needs a number, got \"{v}\"");
        }

        public static NormalizedPoint Point(string[] args, ref int i)
        {
            var name = args[i];
            var v = Value(args, ref i);
            var parts = v.Split(',');
            if (parts.Length == 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
                return new NormalizedPoint(x, y);
            throw new UsageException($"{name} needs X,Y (normalised 0..1), got \"{v}\"");
        }

        public static T Enum<T>(string[] args, ref int i, IReadOnlyDictionary<string, T> names)
        {
            var name = args[i];
            var v = Value(args, ref i);
            return names.TryGetValue(v.ToLowerInvariant(), out var e) ? e
                : throw new UsageException($"{name} must be one of {string.Join(", ", names.Keys)}; got \"{v}\"");
        }
    }
}
