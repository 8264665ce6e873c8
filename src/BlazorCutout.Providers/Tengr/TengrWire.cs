using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlazorCutout.Providers.Tengr;

/// <summary>Seed 001's JSON bodies (camelCase, as documented).</summary>
public static class TengrWire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary><c>{ "points": [[x, y], …], "labels": [1, …] }</c></summary>
    public sealed record PointSet(IReadOnlyList<IReadOnlyList<double>> Points, IReadOnlyList<int> Labels);

    /// <summary>The body of <c>POST /v2/artworks/segmentation</c>; null members are left out.</summary>
    public sealed record SegmentationRequest
    {
        public required string ImageUrl { get; init; }
        public int? MaskExpand { get; init; }
        public bool? MaskTaperedCorners { get; init; }
        public double? MaskBlurSigma { get; init; }
        public int? MaskKernelSize { get; init; }
        public string? Webhook { get; init; }
        public string? OutputFormat { get; init; }
        public required string Method { get; init; }
        public string? TextPrompt { get; init; }
        public double? TextConfidence { get; init; }
        public int? TextMaxDetections { get; init; }
        public bool? TextCombineMasks { get; init; }
        public PointSet? PointsPositive { get; init; }
        public PointSet? PointsNegative { get; init; }
        public int? PointsRefinementSteps { get; init; }
        public bool? PointsMultimask { get; init; }
        public bool? PointsBestMask { get; init; }
    }

    /// <summary>The artwork, as answered by the 202, the poll and the webhook.</summary>
    public sealed class Artwork
    {
        public string? Id { get; set; }
        public string? ArtworkType { get; set; }
        public JsonElement? Parameters { get; set; }
        public double? Duration { get; set; }
        public List<string?>? Results { get; set; }
        public string? Status { get; set; }
        public string? CreatedAt { get; set; }
        /// <summary>Not in 001; read if a real answer carries one, for the admin view.</summary>
        public JsonElement? Error { get; set; }
    }

    /// <summary><c>{ "message": "…", "statusCode": 400, "error": "Bad Request" }</c>; message may be a list of strings.</summary>
    public sealed class ErrorBody
    {
        public JsonElement? Message { get; set; }
        public int? StatusCode { get; set; }
        public string? Error { get; set; }

        public string? Text() => Message switch
        {
            { ValueKind: JsonValueKind.String } m => m.GetString(),
            { ValueKind: JsonValueKind.Array } m => string.Join("; ", m.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.ToString())),
            { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } m => m.ToString(),
            _ => Error,
        };
    }
}
