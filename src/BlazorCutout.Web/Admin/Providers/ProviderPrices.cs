using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorCutout.Providers;

namespace BlazorCutout.Web.Admin.Providers;

/// <summary>The stored price table of a provider (<c>ProviderSettings.PricesJson</c>).</summary>
public sealed record ProviderPrices(string Unit, IReadOnlyDictionary<ProviderOperation, OperationPrice> Operations)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ProviderPrices? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonSerializer.Deserialize<ProviderPrices>(json, Json); }
        catch (JsonException) { return null; }
    }

    public static ProviderPrices From(PriceTable table) => new(table.Unit, table.Prices.ToDictionary(p => p.Key, p => p.Value));
}
