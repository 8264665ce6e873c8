using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace BlazorCutout.Emulators.Kit;

/// <summary>Credential checks in the services' styles; a failure is noted in the request log (never the value).</summary>
public static class AuthCheck
{
    /// <summary><c>X-API-KEY: key</c> (PicWish) or <c>Apikey: key</c> (HitPaw).</summary>
    public static bool Header(HttpContext context, string header, string expected)
    {
        var ok = context.Request.Headers.TryGetValue(header, out var v) && FixedEquals(v.ToString(), expected);
        if (!ok) RequestLog.Note(context, $"auth failed ({header} {(v.Count == 0 ? "missing" : "wrong")})");
        return ok;
    }

    /// <summary><c>Authorization: Bearer token</c> (gpt.ge, Tengr).</summary>
    public static bool Bearer(HttpContext context, string expected)
    {
        var value = context.Request.Headers.Authorization.ToString();
        var ok = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && FixedEquals(value["Bearer ".Length..].Trim(), expected);
        if (!ok) RequestLog.Note(context, $"auth failed (Authorization {(value.Length == 0 ? "missing" : "wrong")})");
        return ok;
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
