using System.Globalization;
using BlazorCutout.Engine;

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
        if (!descriptor.Supports(job.Operation))
            throw Refuse(ProviderErrorCode.UnsupportedOperation, $"{descriptor.DisplayName} cannot do {Describe(job.Operation)}.");

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

    // Ranges of 001; the engine enforces the same ones, remote APIs would answer 400.
    private static void ValidateMaskRanges(MaskOptions m)
    {
        if (m.Expand is < -16384 or > 16384)
            throw Refuse(ProviderErrorCode.InvalidOption, "Mask expansion must be between -16384 and 16384 pixels.");
        if (m.BlurSigma is < 0.1 or > 100)
            throw Refuse(ProviderErrorCode.InvalidOption, "Mask blur must be between 0.1 and 100.");
        if (m.KernelSize is < 0 or > 100)
            throw Refuse(ProviderErrorCode.InvalidOption, "Mask blur area must be between 0 and 100.");
    }

    private static string Describe(ProviderOperation op) => op switch
    {
        ProviderOperation.RemoveBackground => "background removal",
        ProviderOperation.SegmentByPoints => "segmentation by points",
        ProviderOperation.SegmentByText => "segmentation by text",
        ProviderOperation.GenerateBackground => "background generation",
        _ => op.ToString(),
    };

    private static string Describe(OutputKind kind) => kind switch
    {
        OutputKind.ImageAndMask => "both the image and the mask",
        OutputKind.Mask => "a mask",
        _ => "the cut-out image",
    };

    private static ProviderException Refuse(ProviderErrorCode code, string message) => new(code, message, isTransient: false);
}
