using Microsoft.Extensions.Configuration;

namespace BlazorCutout.Providers;

/// <summary>
/// Where URL-only providers (HitPaw, Tengr) learn whether BlazorCutout has a public base URL under which it can offer an
/// upload as a signed, expiring link. The provider itself never builds that link (the pipeline puts it in
/// <see cref="JobImage.PublicUrl"/>); it only needs to know whether one can exist, to say "unavailable, and why".
/// </summary>
public static class PublicBaseUrlSetting
{
    /// <summary>
    /// Decision (the design names a top-level <c>PublicBaseUrl</c> setting; the web app nests its settings under
    /// <c>BlazorCutout</c>): the first non-empty absolute URL among these keys wins.
    /// </summary>
    public static readonly string[] ConfigurationKeys = ["PublicBaseUrl", "BlazorCutout:PublicBaseUrl", "PublicBaseUrl:BaseUrl", "BlazorCutout:PublicBaseUrl:BaseUrl"];

    public static Uri? Read(IConfiguration configuration)
    {
        foreach (var key in ConfigurationKeys)
        {
            string? value;
            try { value = configuration[key]; }
            catch (InvalidOperationException) { continue; }
            if (!string.IsNullOrWhiteSpace(value) && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)) return uri;
        }
        return null;
    }
}
