using System.Security.Cryptography;
using Secret = BlazorCutout.Providers.Secrets.Secret;
using BlazorCutout.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace BlazorCutout.Web.Admin.Providers;

/// <summary>
/// Encrypts provider API keys at rest with ASP.NET Core Data Protection (the app's <see cref="Infrastructure.KeyRing"/>).
/// The plain key exists only in a <see cref="Secret"/>: on its way in from the admin form and on its way out into the
/// provider's options; it is never logged, stored in clear or rendered.
/// </summary>
public sealed class ProviderKeyProtector(IDataProtectionProvider dataProtection)
{
    public const string Purpose = "BlazorCutout.ProviderKeys.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public string Protect(Secret key) => _protector.Protect(key.Reveal());

    /// <summary>
    /// <paramref name="protectedKey"/> protected again with the key ring's default key, or null when it already is or
    /// cannot be read. The key itself never leaves this method.
    /// </summary>
    public string? Reprotect(string protectedKey)
    {
        try
        {
            // Protect(string) is Base64Url over the protected UTF-8 bytes; re-protecting those bytes keeps that form.
            return KeyRingReprotection.Reprotect(_protector, WebEncoders.Base64UrlDecode(protectedKey)) is { } again
                ? WebEncoders.Base64UrlEncode(again)
                : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Null when the ciphertext cannot be read (key ring lost or replaced): the provider then falls back to its configuration.</summary>
    public Secret? TryUnprotect(string protectedKey)
    {
        try
        {
            return Secret.FromNullable(_protector.Unprotect(protectedKey));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
