using System.Globalization;
using System.Text.RegularExpressions;
using BlazorCutout.Engine;
using BlazorCutout.Providers;

namespace BlazorCutout.Web.Studio;

public enum BackgroundMode { Transparent, Colour, Image }

/// <summary>
/// The Studio's option panel as plain state: what the user picked, kept within what the chosen provider offers,
/// and turned into <see cref="JobOptions"/> for each task (one per file).
/// </summary>
public sealed partial class StudioSettings
{
    public ProviderOperation Operation { get; set; } = ProviderOperation.RemoveBackground;
    /// <summary>The team the task is run for (its cost counts against it); null: personal.</summary>
    public Guid? TeamId { get; set; }
    public SubjectType Type { get; set; } = SubjectType.Auto;
    public OutputKind Output { get; set; } = OutputKind.ImageAndMask;
    public OutputFormat Format { get; set; } = OutputFormat.Png;
    public bool Crop { get; set; }
    public BackgroundMode Background { get; set; } = BackgroundMode.Transparent;
    /// <summary>As the colour picker gives it: "#81d4fa" or "rgb(129, 212, 250)".</summary>
    public string Colour { get; set; } = "#ffffff";
    public string? TextPrompt { get; set; }
    /// <summary>The scene to generate behind the cut-out (New background).</summary>
    public string? BackgroundPrompt { get; set; }

    private int batchSize = 1;

    /// <summary>How many backgrounds to generate per photo; kept within 1..<see cref="JobOptions.MaxBatchSize"/> here and within the provider's own maximum by <see cref="FitTo"/>.</summary>
    public int BatchSize
    {
        get => batchSize;
        set => batchSize = Math.Clamp(value, 1, JobOptions.MaxBatchSize);
    }

    /// <summary>The operations the mode bar offers, in order.</summary>
    public static IReadOnlyList<ProviderOperation> Modes { get; } =
        [ProviderOperation.RemoveBackground, ProviderOperation.SegmentByPoints, ProviderOperation.SegmentByText, ProviderOperation.GenerateBackground];

    /// <summary>
    /// Generating backgrounds takes only the prompt and the count (002): the cut-out options (subject, output, format,
    /// crop, background) are hidden in that mode and never sent, since gpt.ge refuses them rather than ignore them.
    /// </summary>
    public bool UsesCutoutOptions => Operation != ProviderOperation.GenerateBackground;

    /// <summary>Whether a background image travels with the next task (chosen, and the mode places it).</summary>
    public bool UsesBackgroundImage => UsesCutoutOptions && Background == BackgroundMode.Image;

    /// <summary>The background prompt as it is sent and checked: trimmed, so the counter and the server count the same characters.</summary>
    public string SentBackgroundPrompt => BackgroundPrompt?.Trim() ?? "";

    /// <summary>The largest number of images this provider generates per photo (at least 1).</summary>
    public static int MaxBatch(ProviderDescriptor provider) => Math.Clamp(provider.Options.MaxBatchSize, 1, JobOptions.MaxBatchSize);

    /// <summary>
    /// Why the background prompt cannot be sent, in the server's own words (<see cref="ProviderJobValidator"/>, which
    /// stays the authority); null when it can.
    /// </summary>
    public string? BackgroundPromptProblem => SentBackgroundPrompt.Length switch
    {
        0 => "Describe the background to generate.",
        > JobOptions.MaxBackgroundPromptLength => $"The background prompt is longer than {JobOptions.MaxBackgroundPromptLength} characters.",
        _ => null,
    };

    /// <summary>What stops the next submission in this mode before it reaches the server; null when nothing does.</summary>
    public string? SubmitProblem(bool hasBackgroundImage) => Operation switch
    {
        ProviderOperation.SegmentByText when string.IsNullOrWhiteSpace(TextPrompt) => "Describe what to cut out first.",
        ProviderOperation.GenerateBackground => BackgroundPromptProblem,
        _ when UsesBackgroundImage && !hasBackgroundImage => "Choose a background image first, or switch the background back to transparent.",
        _ => null,
    };

    /// <summary>Moves every choice the provider does not offer to one it does, so a submission is never refused for a hidden option.</summary>
    public void FitTo(ProviderDescriptor provider)
    {
        if (!provider.Supports(Operation))
            Operation = Modes.FirstOrDefault(provider.Supports, ProviderOperation.RemoveBackground);
        var o = provider.Options;
        if (!o.Outputs.Contains(Output))
            Output = o.Outputs.Contains(OutputKind.ImageAndMask) ? OutputKind.ImageAndMask
                : o.Outputs.Contains(OutputKind.Image) ? OutputKind.Image : o.Outputs.FirstOrDefault(OutputKind.Image);
        if (!o.Formats.Contains(Format))
            Format = o.Formats.Contains(OutputFormat.Png) ? OutputFormat.Png : o.Formats.FirstOrDefault(OutputFormat.Png);
        if (!o.SubjectType)
            Type = SubjectType.Auto;
        if (!o.Crop)
            Crop = false;
        if ((Background == BackgroundMode.Colour && !o.BackgroundColor) || (Background == BackgroundMode.Image && !o.BackgroundImage))
            Background = BackgroundMode.Transparent;
        BatchSize = Math.Min(BatchSize, MaxBatch(provider));
    }

    /// <summary>The options for one task. The background image itself travels in the request, not here.</summary>
    public JobOptions ToJobOptions(IReadOnlyList<NormalizedPoint>? positive = null, IReadOnlyList<NormalizedPoint>? negative = null) =>
        UsesCutoutOptions ? CutoutOptions(positive, negative) : new JobOptions
        {
            // What comes back is the service's choice (002); the format only has to be one the provider declares, as fitted.
            Format = Format,
            BackgroundPrompt = SentBackgroundPrompt,
            BatchSize = BatchSize,
        };

    private JobOptions CutoutOptions(IReadOnlyList<NormalizedPoint>? positive, IReadOnlyList<NormalizedPoint>? negative) => new()
    {
        Type = Type,
        Output = Output,
        Format = Format,
        Crop = Crop,
        BackgroundColor = Background == BackgroundMode.Colour ? HexColour(Colour) : null,
        PositivePoints = Operation == ProviderOperation.SegmentByPoints ? positive ?? [] : [],
        NegativePoints = Operation == ProviderOperation.SegmentByPoints ? negative ?? [] : [],
        TextPrompt = Operation == ProviderOperation.SegmentByText ? TextPrompt?.Trim() : null,
    };

    /// <summary>"#81D4FA", "81d4fa", "#fff" or "rgb(129, 212, 250)" → "81d4fa"; null when it is not a colour.</summary>
    public static string? HexColour(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var v = value.Trim();
        var rgb = RgbPattern().Match(v);
        if (rgb.Success)
        {
            var parts = Enumerable.Range(1, 3).Select(i => int.Parse(rgb.Groups[i].Value, CultureInfo.InvariantCulture)).ToArray();
            return parts.Any(p => p > 255) ? null : string.Concat(parts.Select(p => p.ToString("x2", CultureInfo.InvariantCulture)));
        }
        v = v.TrimStart('#');
        if (v.Length == 3 && HexPattern().IsMatch(v))
            v = string.Concat(v.Select(c => new string(c, 2)));
        return v.Length == 6 && HexPattern().IsMatch(v) ? v.ToLowerInvariant() : null;
    }

    /// <summary>Why a mode cannot be used with this provider, in words the user can act on; null when it can.</summary>
    public static string? Unsupported(ProviderDescriptor provider, ProviderOperation operation) => provider.WhyNot(operation);

    [GeneratedRegex(@"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(,\s*[\d.]+\s*)?\)$")]
    private static partial Regex RgbPattern();

    [GeneratedRegex("^[0-9a-fA-F]+$")]
    private static partial Regex HexPattern();
}
