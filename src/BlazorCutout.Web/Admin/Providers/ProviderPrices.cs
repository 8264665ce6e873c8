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

    /// <summary>
    /// What the admin must know when a provider charges for operations with no price set: their tasks record no cost
    /// ("price not set"), so spend is unknown until a price is entered. Null when every operation is priced.
    /// </summary>
    public static string? UnpricedNotice(ProviderDescriptor descriptor) =>
        descriptor.UnpricedOperations is { Count: > 0 } ops
            ? $"No price is set for {string.Join(", ", ops.Select(o => o.Describe()))}: {descriptor.DisplayName} charges for it but does not report what, " +
              "so these tasks show \"price not set\" and are left out of the spend. Enter a price below."
            : null;
}
