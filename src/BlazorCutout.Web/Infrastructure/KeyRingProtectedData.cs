using Microsoft.AspNetCore.DataProtection;

namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// Something the app keeps protected with the key ring (not just in flight, like a cookie), so it can be moved to the
/// key ring's default key when that key changes: after a certificate is turned on, the keys written before stay in
/// clear, and what they protected must not stay readable with them.
/// </summary>
public interface IKeyRingProtectedData
{
    /// <summary>What is protected, for the log ("stored provider API keys").</summary>
    string Description { get; }

    /// <summary>Protects again, with the default key, whatever another key protected; returns how many items changed.</summary>
    Task<int> ReprotectAsync(CancellationToken cancellationToken);
}

public static class KeyRingReprotection
{
    /// <summary>
    /// <paramref name="payload"/> protected again with the default key, or null when it already is. Throws
    /// <see cref="System.Security.Cryptography.CryptographicException"/> when no key of the ring can read it.
    /// </summary>
    public static byte[]? Reprotect(IDataProtector protector, byte[] payload)
    {
        // Every protector Data Protection hands out is persisted; "Dangerous" only refers to ignoring revocation, which this does not.
        var persisted = (IPersistedDataProtector)protector;
        var plain = persisted.DangerousUnprotect(payload, ignoreRevocationErrors: false, out var requiresMigration, out _);
        return requiresMigration ? protector.Protect(plain) : null;
    }
}
