using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlazorCutout.Providers.HitPaw;

/// <summary>Seed 003's JSON bodies, exactly as documented (snake_case field names).</summary>
public static class HitPawWire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public sealed record SubmitRequest([property: JsonPropertyName("file_url")] string FileUrl);

    public sealed record StatusRequest([property: JsonPropertyName("job_id")] string JobId);

    /// <summary><c>{ "code": 200, "message": "OK", "data": {...} }</c></summary>
    public sealed class Envelope<T> where T : class
    {
        [JsonPropertyName("code")] public long? Code { get; set; }
        [JsonPropertyName("message")] public string? Message { get; set; }
        [JsonPropertyName("data")] public T? Data { get; set; }
    }

    public sealed class SubmitData
    {
        [JsonPropertyName("job_id")] public string? JobId { get; set; }
        [JsonPropertyName("consume_coins")] public decimal? ConsumeCoins { get; set; }
    }

    public sealed class StatusData
    {
        [JsonPropertyName("job_id")] public string? JobId { get; set; }
        [JsonPropertyName("status")] public string? Status { get; set; }
        [JsonPropertyName("res_url")] public string? ResUrl { get; set; }
        [JsonPropertyName("mask_url")] public string? MaskUrl { get; set; }
        [JsonPropertyName("original_url")] public string? OriginalUrl { get; set; }
    }
}
