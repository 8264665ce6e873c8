using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BlazorCutout.Providers.Secrets;

/// <summary>
/// An API key or token. Every accidental way of printing it (ToString, string interpolation, structured logging,
/// JSON serialisation, the debugger) shows only a mask such as <c>sk-…1a2b</c>; the value comes out only through
/// <see cref="Reveal"/>, which is easy to grep for. Binds from configuration strings through its type converter.
/// </summary>
[TypeConverter(typeof(SecretTypeConverter))]
[JsonConverter(typeof(SecretJsonConverter))]
[System.Diagnostics.DebuggerDisplay("{ToString(),nq}")]
public sealed class Secret : IEquatable<Secret>
{
    private readonly string _value;

    public Secret(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    public static Secret? FromNullable(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Secret(value.Trim());

    public bool IsEmpty => _value.Length == 0;

    /// <summary>The real value, for the one place that puts it in a request header.</summary>
    public string Reveal() => _value;

    public override string ToString() => Mask(_value);

    /// <summary>
    /// Keeps a recognisable prefix ("sk-") and the last four characters when the value is long enough that those
    /// eight characters leave most of it hidden; shorter values are fully masked.
    /// </summary>
    public static string Mask(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "(empty)";
        if (value.Length < 16) return "…";
        var dash = value.IndexOfAny(['-', '_'], 0, 4);
        var prefix = dash >= 0 ? value[..(dash + 1)] : "";
        return $"{prefix}…{value[^4..]}";
    }

    public bool Equals(Secret? other) => other is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
        System.Text.Encoding.UTF8.GetBytes(_value), System.Text.Encoding.UTF8.GetBytes(other._value));

    public override bool Equals(object? obj) => obj is Secret s && Equals(s);
    public override int GetHashCode() => _value.Length;
}

/// <summary>Lets <c>Providers:PicWish:ApiKey</c> bind straight into a <see cref="Secret"/> property.</summary>
public sealed class SecretTypeConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string s ? Secret.FromNullable(s) : base.ConvertFrom(context, culture, value);

    // Converting back to string yields the mask, so a config dump cannot leak the key either.
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is Secret secret ? secret.ToString() : base.ConvertTo(context, culture, value, destinationType);
}

/// <summary>Writes the mask; reading accepts a plain string (settings files that hold a key in clear during development).</summary>
public sealed class SecretJsonConverter : JsonConverter<Secret>
{
    public override Secret? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Secret.FromNullable(reader.GetString());

    public override void Write(Utf8JsonWriter writer, Secret value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
