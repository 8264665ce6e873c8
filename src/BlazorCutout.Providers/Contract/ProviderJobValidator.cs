using System.Globalization;
using BlazorCutout.Engine;
using BlazorCutout.Engine.Imaging;

namespace BlazorCutout.Providers;

/// <summary>
/// Checks a job against a provider's declared capabilities before it is queued, so that nothing unsupported is sent
/// or charged and the user learns why at once. Every refusal is a permanent <see cref="ProviderException"/>.
/// Image limits are checked separately with <see cref="ProviderLimits.Check"/> (needs the probe).
/// </summary>
public static class ProviderJobValidator
{
    public static void Validate(ProviderDescriptor descriptor, ProviderJob job)
    {
        var o = job.Options;
        var so = descriptor.Options;
        if (descriptor.WhyNot(job.Operation) is { } unsupported)
            throw Refuse(ProviderErrorCode.UnsupportedOperation, unsupported);

        if (!AcceptsSource(descriptor.Inputs, job.Source))
            throw Refuse(ProviderErrorCode.InputNotAccepted, descriptor.NeedsPublicUrlForUploads
                ? $"{descriptor.DisplayName} only takes images by URL, and no public URL of the image is available."
                : $"{descriptor.DisplayName} needs the image file itself.");

        if (!so.Outputs.Contains(o.Output))
            throw Refuse(ProviderErrorCode.InvalidOption, $"{descriptor.DisplayName} cannot return {Describe(o.Output)}.");
        if (!so.Formats.Contains(o.Format))
            throw Refuse(ProviderErrorCode.InvalidOption, $"{descriptor.DisplayName} cannot produce {o.Format.ToString().ToUpperInvariant()} files.");
        if (o.Type != SubjectType.Auto && !so.SubjectType)
            throw Refuse(ProviderErrorCode.InvalidOption, $"{descriptor.DisplayName} does not take a subject type; choose Auto.");
        if (o.Crop && !so.Crop)
            throw Refuse(ProviderErrorCode.InvalidOption, $"{descriptor.DisplayName} cannot crop to the subject.");

        if (o.BackgroundColor is not null && o.BackgroundImage is not null)
            throw Refuse(ProviderErrorCode.InvalidOption, "Choose either a background colour or a background image, not both.");
        if (o.BackgroundColor is not null)
        {
            if (!so.BackgroundColor)
                throw Refuse(ProviderErrorCode.InvalidOption, $"{descriptor.DisplayName} cannot fill the background with a colour.");
            if (!IsHexColour(o.BackgroundColor))
                throw Refuse(ProviderErrorCode.InvalidOption, $"'{o.BackgroundColor}' is not a colour; use six hex digits such as 81d4fa.");
        }
        if (o.BackgroundImage is not null)
        {
            if (!so.BackgroundImage)
                throw Refuse(ProviderErrorCode.InvalidOption, $"{descriptor.DisplayName} cannot place a background image.");
            if (!AcceptsSource(descriptor.Inputs, o.BackgroundImage))
                throw Refuse(ProviderErrorCode.InputNotAccepted, $"{descriptor.DisplayName} cannot receive the background image in the form given.");
        }
        if (o.Mask != new MaskOptions() && !so.MaskPostProcessing)
            throw Refuse(ProviderErrorCode.InvalidOption, $"{descriptor.DisplayName} does not post-process masks.");
        ValidateMaskRanges(o.Mask);

        if (job.CallbackUrl is not null && !so.Callback)
            throw Refuse(ProviderErrorCode.InvalidOption, $"{descriptor.DisplayName} does not send completion callbacks.");

        switch (job.Operation)
        {
            case ProviderOperation.SegmentByPoints:
                if (o.PositivePoints.Count == 0)
                    throw Refuse(ProviderErrorCode.InvalidOption, "Click at least once on the subject to segment by points.");
                foreach (var p in o.PositivePoints.Concat(o.NegativePoints))
                    if (!(p.X is >= 0 and <= 1 && p.Y is >= 0 and <= 1))
                        throw Refuse(ProviderErrorCode.InvalidOption, "A point lies outside the image.");
                break;
            case ProviderOperation.SegmentByText:
                if (string.IsNullOrWhiteSpace(o.TextPrompt))
                    throw Refuse(ProviderErrorCode.InvalidOption, "Describe what to segment.");
                break;
            case ProviderOperation.GenerateBackground:
                if (string.IsNullOrWhiteSpace(o.BackgroundPrompt))
                    throw Refuse(ProviderErrorCode.InvalidOption, "Describe the background to generate.");
                if (o.BackgroundPrompt.Length > JobOptions.MaxBackgroundPromptLength)
                    throw Refuse(ProviderErrorCode.InvalidOption, $"The background prompt is longer than {JobOptions.MaxBackgroundPromptLength} characters.");
                break;
        }
        var maxBatch = job.Operation == ProviderOperation.GenerateBackground ? Math.Min(so.MaxBatchSize, JobOptions.MaxBatchSize) : 1;
        if (o.BatchSize < 1 || o.BatchSize > maxBatch)
            throw Refuse(ProviderErrorCode.InvalidOption, maxBatch == 1
                ? "This operation produces one image per request."
                : $"Choose between 1 and {maxBatch} images.");
    }

    private static bool AcceptsSource(ProviderInputs inputs, JobImage image) =>
        (inputs.HasFlag(ProviderInputs.File) && image.HasBytes) || (inputs.HasFlag(ProviderInputs.Url) && image.HasUrl);

    private static bool IsHexColour(string value) =>
        value.Length == 6 && int.TryParse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);

    // The ranges of 001, as the engine states and enforces them: one table, so a remote job is refused here exactly
    // where the local engine would refuse it, before anything is sent or charged.
    private static void ValidateMaskRanges(MaskOptions m)
    {
        try
        {
            MaskPostProcessing.Validate(m);
        }
        catch (CutoutException e)
        {
            throw Refuse(ProviderErrorCode.InvalidOption, e.Message);
        }
    }

    private static string Describe(OutputKind kind) => kind switch
    {
        OutputKind.ImageAndMask => "both the image and the mask",
        OutputKind.Mask => "a mask",
        _ => "the cut-out image",
    };

    private static ProviderException Refuse(ProviderErrorCode code, string message) => new(code, message, isTransient: false);
}
