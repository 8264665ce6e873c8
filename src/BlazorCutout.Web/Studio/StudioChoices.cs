using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;

namespace BlazorCutout.Web.Studio;

/// <summary>The values the Studio's option lists offer for a provider, in the order they are shown.</summary>
public static class StudioChoices
{
    public static IReadOnlyList<SubjectType> Subjects { get; } = Enum.GetValues<SubjectType>();

    public static IEnumerable<OutputKind> Outputs(SupportedOptions o) =>
        new[] { OutputKind.ImageAndMask, OutputKind.Image, OutputKind.Mask }.Where(o.Outputs.Contains);

    public static IEnumerable<OutputFormat> Formats(SupportedOptions o) =>
        new[] { OutputFormat.Png, OutputFormat.Webp, OutputFormat.Jpg }.Where(o.Formats.Contains);

    public static string FormatName(OutputFormat format) => format == OutputFormat.Jpg ? "JPG (no transparency)" : TaskText.Format(format);
}
