using System.Text;
using System.Web;

namespace BlazorCutout.Providers.Secrets;

/// <summary>Removes credentials from text that is about to be logged or stored.</summary>
public static class Redactor
{
    public const string Mask = "***";

    /// <summary>Query parameters that carry credentials or signatures (ours and the usual cloud ones), compared case-insensitively.</summary>
    private static readonly HashSet<string> SensitiveQueryKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "key", "apikey", "api_key", "api-key", "token", "access_token", "auth", "authorization", "password", "secret",
        "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature",
        "x-goog-credential", "se", "sp", "sv", "st", "skoid", "sktid", "expires", "ossaccesskeyid", "policy",
    };

    /// <summary>Headers never logged, whatever their value.</summary>
    public static readonly IReadOnlySet<string> SensitiveHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "X-API-KEY", "Apikey", "Cookie", "Set-Cookie",
    };

    /// <summary>The URL with user info dropped and sensitive query values masked: safe to log, still useful to debug.</summary>
    public static string RedactUrl(Uri? uri)
    {
        if (uri is null) return "";
        if (!uri.IsAbsoluteUri) return uri.OriginalString.Split('?')[0];
        var builder = new StringBuilder();
        builder.Append(uri.Scheme).Append("://").Append(uri.Authority).Append(uri.AbsolutePath); // Authority has no user info
        if (uri.Query.Length > 1)
        {
            var query = HttpUtility.ParseQueryString(uri.Query);
            var first = true;
            foreach (var key in query.AllKeys)
            {
                builder.Append(first ? '?' : '&');
                first = false;
                builder.Append(key is null ? "" : Uri.EscapeDataString(key)).Append('=')
                    .Append(key is not null && SensitiveQueryKeys.Contains(key) ? Mask : Uri.EscapeDataString(query[key] ?? ""));
            }
        }
        return builder.ToString();
    }

    /// <summary>Replaces every occurrence of each secret in <paramref name="text"/> by its mask (for provider error bodies that echo a key).</summary>
    public static string RedactSecrets(string text, params Secret?[] secrets)
    {
        foreach (var secret in secrets)
        {
            if (secret is null || secret.IsEmpty) continue;
            text = text.Replace(secret.Reveal(), secret.ToString(), StringComparison.Ordinal);
        }
        return text;
    }
}
