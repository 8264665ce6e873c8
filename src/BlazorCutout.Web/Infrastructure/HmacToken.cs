using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace BlazorCutout.Web.Infrastructure;

/// <summary>The URL-safe HMAC-SHA256 tokens of signed links and callback URLs, made and checked one way.</summary>
public static class HmacToken
{
    public static string Of(byte[] key, string message) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(message)));

    /// <summary>Constant-time, so a wrong token says nothing about how much of it was right.</summary>
    public static bool Matches(byte[] key, string message, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Of(key, message)), Encoding.ASCII.GetBytes(given));
}
