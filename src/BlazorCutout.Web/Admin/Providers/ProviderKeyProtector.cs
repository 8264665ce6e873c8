using System.Security.Cryptography;
using Secret = BlazorCutout.Providers.Secrets.Secret;
using Microsoft.AspNetCore.DataProtection;

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
