using System.Globalization;
using BlazorCutout.Engine;
using static BlazorCutout.Providers.Tengr.TengrWire;

namespace BlazorCutout.Providers.Tengr;

/// <summary>
/// Builds 001's request from a <see cref="ProviderJob"/> (the mapping is <see cref="TengrDecisions.PositiveLabel"/>'s
/// summary) and checks every parameter against 001's documented ranges before anything is sent, so a bad value is
/// refused by BlazorCutout with a clear message instead of costing a request and a 400.
/// </summary>
public static class TengrParameters
{
    public static SegmentationRequest Build(ProviderJob job, TengrOptions options, Uri? webhook)
    {
        var o = job.Options;
        var imageUrl = job.Source.PublicUrl ?? throw Refuse(ProviderErrorCode.InputNotAccepted,
            $"{options.DisplayName} only fetches images from a URL, and no public URL of this image is available (BlazorCutout needs a configured public base URL).");
        var method = job.Operation switch
        {
            ProviderOperation.SegmentByText => "text",
            ProviderOperation.SegmentByPoints => "points",
            _ => throw Refuse(ProviderErrorCode.UnsupportedOperation, $"{options.DisplayName} only segments by text or by points."),
        };
        var text = method == "text";
        var request = new SegmentationRequest
        {
            ImageUrl = imageUrl.AbsoluteUri,
            MaskExpand = o.Mask.Expand,
            MaskTaperedCorners = o.Mask.TaperedCorners,
            MaskBlurSigma = o.Mask.BlurSigma,
            MaskKernelSize = o.Mask.KernelSize,
            Webhook = webhook?.AbsoluteUri,
            OutputFormat = o.Format switch
            {
                OutputFormat.Png => "png",
                OutputFormat.Webp => "webp",
                _ => throw Refuse(ProviderErrorCode.InvalidOption, $"{options.DisplayName} produces PNG or WebP masks, not {o.Format.ToString().ToUpperInvariant()}."),
            },
            Method = method,
            TextPrompt = text ? o.TextPrompt?.Trim() : null,
            TextConfidence = text ? options.TextConfidence : null,
            TextMaxDetections = text ? options.TextMaxDetections : null,
            TextCombineMasks = text ? options.TextCombineMasks : null,
            PointsPositive = text ? null : Points(o.PositivePoints, TengrDecisions.PositiveLabel),
            PointsNegative = text || o.NegativePoints.Count == 0 ? null : Points(o.NegativePoints, TengrDecisions.NegativeLabel),
            PointsRefinementSteps = text ? null : options.PointsRefinementSteps,
            PointsMultimask = text ? null : options.PointsMultimask,
            PointsBestMask = text ? null : options.PointsBestMask,
        };
        Validate(request, options.DisplayName);
        return request;
    }

    private static PointSet Points(IReadOnlyList<NormalizedPoint> points, int label) =>
        new(points.Select(p => (IReadOnlyList<double>)[p.X, p.Y]).ToList(), points.Select(_ => label).ToList());

    /// <summary>Every documented range and rule of 001; throws a permanent <see cref="ProviderErrorCode.InvalidOption"/> naming the parameter.</summary>
    public static void Validate(SegmentationRequest r, string displayName = "Tengr.ai")
    {
        if (!Uri.TryCreate(r.ImageUrl, UriKind.Absolute, out _))
            throw Refuse(ProviderErrorCode.InputNotAccepted, "imageUrl must be an absolute URL.");
        if (!TengrRanges.Methods.Contains(r.Method))
            throw Refuse(ProviderErrorCode.InvalidOption, $"method must be 'text' or 'points', not '{r.Method}'.");
        Range("maskExpand (mask expansion)", r.MaskExpand, TengrRanges.MaskExpandMin, TengrRanges.MaskExpandMax);
        Range("maskBlurSigma (mask blur)", r.MaskBlurSigma, TengrRanges.MaskBlurSigmaMin, TengrRanges.MaskBlurSigmaMax);
        Range("maskKernelSize (mask blur area)", r.MaskKernelSize, TengrRanges.MaskKernelSizeMin, TengrRanges.MaskKernelSizeMax);
        if (r.OutputFormat is { } f && !TengrRanges.OutputFormats.Contains(f))
            throw Refuse(ProviderErrorCode.InvalidOption, $"outputFormat must be auto, png or webp, not '{f}'.");

        if (r.Method == "text")
        {
            if (string.IsNullOrWhiteSpace(r.TextPrompt))
                throw Refuse(ProviderErrorCode.InvalidOption, "Describe what to segment: textPrompt is required for segmentation by text.");
            Range("textConfidence (detection confidence)", r.TextConfidence, TengrRanges.TextConfidenceMin, TengrRanges.TextConfidenceMax);
            Range("textMaxDetections (maximum detections)", r.TextMaxDetections, TengrRanges.TextMaxDetectionsMin, TengrRanges.TextMaxDetectionsMax);
            if (r.PointsPositive is not null || r.PointsNegative is not null || r.PointsRefinementSteps is not null)
                throw Refuse(ProviderErrorCode.InvalidOption, "Points are only used for segmentation by points.");
        }
        else
        {
            if (r.PointsPositive is not { Points.Count: > 0 })
                throw Refuse(ProviderErrorCode.InvalidOption, "Click at least once on the subject: pointsPositive needs at least one point.");
            CheckPoints("pointsPositive", r.PointsPositive);
            if (r.PointsNegative is not null) CheckPoints("pointsNegative", r.PointsNegative);
            Range("pointsRefinementSteps (refinement steps)", r.PointsRefinementSteps, TengrRanges.PointsRefinementStepsMin, TengrRanges.PointsRefinementStepsMax);
            if (r.TextPrompt is not null || r.TextConfidence is not null || r.TextMaxDetections is not null)
                throw Refuse(ProviderErrorCode.InvalidOption, "A text prompt is only used for segmentation by text.");
        }
    }

    private static void CheckPoints(string name, PointSet set)
    {
        if (set.Labels.Count != set.Points.Count)
            throw Refuse(ProviderErrorCode.InvalidOption, $"{name}: there must be one label per point ({set.Points.Count} points, {set.Labels.Count} labels).");
        foreach (var point in set.Points)
        {
            if (point.Count != TengrRanges.PointArity)
                throw Refuse(ProviderErrorCode.InvalidOption, $"{name}: every point must be an [x, y] pair.");
            foreach (var c in point)
                if (!double.IsFinite(c) || c < TengrRanges.CoordinateMin || c > TengrRanges.CoordinateMax)
                    throw Refuse(ProviderErrorCode.InvalidOption,
                        $"{name}: the point [{string.Join(", ", point.Select(v => v.ToString(CultureInfo.InvariantCulture)))}] lies outside the image (coordinates run from 0 to 1).");
        }
    }

    private static void Range(string name, double? value, double min, double max)
    {
        if (value is not { } v) return; // absent: Tengr applies its documented default
        if (!double.IsFinite(v) || v < min || v > max)
            throw Refuse(ProviderErrorCode.InvalidOption,
                $"{name} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}; {v.ToString(CultureInfo.InvariantCulture)} was given.");
    }

    private static ProviderException Refuse(ProviderErrorCode code, string message) => new(code, message, isTransient: false, providerDetail: "validated-locally");
}
