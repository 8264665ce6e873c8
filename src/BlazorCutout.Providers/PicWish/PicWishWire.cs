using System.Globalization;
using System.Text.Json;

namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// Reading the JSON envelope PicWish (and gpt.ge, which resells it) answers with: <c>{ status, message, data }</c>.
/// Lenient where the documents differ or are loose: numbers may arrive as strings and the other way round.
/// </summary>
public static class PicWishWire
{
    /// <summary>Cap on an API answer we parse (results come by URL; base64 results can be large).</summary>
    public const int MaxEnvelopeBytes = 64 * 1024 * 1024;

    /// <param name="HttpStatus">The HTTP status of the response.</param>
    /// <param name="Status">The effective status (<see cref="EffectiveStatus"/>).</param>
    public sealed record Envelope(int HttpStatus, int Status, string? Message, JsonElement? Data, TimeSpan? RetryAfter);

    /// <summary>
    /// DECISION (004 is ambiguous: "status: HTTP response status code", and "combine the HTTP status with data.state"):
    /// a non-2xx HTTP status wins; with HTTP 200 the envelope's <c>status</c> decides (absent = 200). So both a real
    /// HTTP 401 and an HTTP 200 carrying <c>"status": 401</c> are read as 401.
    /// </summary>
    public static int EffectiveStatus(int httpStatus, int? bodyStatus) =>
        httpStatus is < 200 or > 299 ? httpStatus : bodyStatus ?? 200;

    public static async Task<Envelope> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var http = (int)response.StatusCode;
        var retryAfter = RetryAfterHeader.Read(response, DateTimeOffset.UtcNow);
        if (response.Content.Headers.ContentLength > MaxEnvelopeBytes)
            throw new ProviderException(ProviderErrorCode.ServerError, "The service sent an answer too large to read.", true, providerDetail: $"http={http}");
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonElement? root = null;
        try
        {
            if (bytes.Length > 0)
            {
                using var doc = JsonDocument.Parse(bytes);
                root = doc.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Not JSON: a proxy error page or similar; the HTTP status decides alone.
        }
        int? bodyStatus = null;
        string? message = null;
        JsonElement? data = null;
        if (root is { ValueKind: JsonValueKind.Object } r)
        {
            bodyStatus = Int(r, "status") ?? Int(r, "code");
            message = Text(r, "message") ?? Text(r, "msg") ?? (r.TryGetProperty("error", out var err) ? err.ValueKind == JsonValueKind.Object ? Text(err, "message") : err.ToString() : null);
            if (r.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object) data = d;
        }
        else if (http is >= 200 and <= 299)
        {
            throw new ProviderException(ProviderErrorCode.ServerError, "The service sent an answer that could not be understood.", true, providerDetail: $"http={http} non-json");
        }
        return new Envelope(http, EffectiveStatus(http, bodyStatus), message, data, retryAfter);
    }

    /// <summary>An integer given as a number or a numeric string; null when absent or unreadable.</summary>
    public static int? Int(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt32(out var i) => i,
            JsonValueKind.Number when v.TryGetDouble(out var d) => (int)Math.Round(d),
            JsonValueKind.String when int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (int)Math.Round(d),
            _ => null,
        };
    }

    public static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>
    /// DECISION: timestamps are Unix seconds, as strings in 004 and numbers in 000/002 — both accepted; values above
    /// 10^11 are taken as milliseconds. Null when absent, empty or zero.
    /// </summary>
    public static DateTimeOffset? UnixTime(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        double? seconds = v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetDouble(out var d) => d,
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
        if (seconds is not { } s || s <= 0) return null;
        if (s > 1e11) s /= 1000;
        return s < 253402300799 ? DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000)) : null;
    }

    /// <summary>A field that may hold one string or an array of strings; empty strings dropped.</summary>
    public static IReadOnlyList<string> Strings(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return [];
        return v.ValueKind switch
        {
            JsonValueKind.String when !string.IsNullOrWhiteSpace(v.GetString()) => [v.GetString()!],
            JsonValueKind.Array => v.EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.ValueKind == JsonValueKind.Object ? Text(e, "url") ?? Text(e, "image") : null)
                .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).ToList(),
            _ => [],
        };
    }

    /// <summary>
    /// A result field: an http(s) URL becomes a <see cref="ResultReference.Remote"/> (expiring at <paramref name="expiresAt"/>),
    /// anything else is read as base64 (<c>return_type=2</c>, optionally a data: URI) into an inline result.
    /// </summary>
    public static ResultReference ToReference(string value, ResultRole role, int index, DateTimeOffset? expiresAt, string service)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
            return new ResultReference.Remote(role, index, url, expiresAt);
        var base64 = value.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && value.IndexOf(',') is var comma and > 0 ? value[(comma + 1)..] : value;
        try
        {
            var bytes = Convert.FromBase64String(base64);
            return new ResultReference.Inline(role, index, bytes, SniffImageType(bytes));
        }
        catch (FormatException)
        {
            throw new ProviderException(ProviderErrorCode.ServerError,
                $"{service} returned a result that is neither a link nor an image.", false, providerDetail: "unreadable-result");
        }
    }

    public static string SniffImageType(ReadOnlySpan<byte> b) =>
        b.StartsWith([(byte)0x89, (byte)0x50, (byte)0x4E, (byte)0x47]) ? "image/png"
        : b.StartsWith([(byte)0xFF, (byte)0xD8, (byte)0xFF]) ? "image/jpeg"
        : b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : "application/octet-stream";
}
