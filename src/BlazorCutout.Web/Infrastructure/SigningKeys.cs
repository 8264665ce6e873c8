using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// HMAC keys for URLs we sign (asset links, callback tokens): from configuration (base64) when set, else a random key
/// created once beside the Data Protection key ring and protected with it (so it is encrypted at rest whenever the key
/// ring is), so signed URLs stay valid across restarts and across processes sharing the data. Files written in clear
/// by earlier versions (in <c>&lt;data&gt;/keys</c>) are read once and rewritten protected, with the same key.
/// </summary>
public sealed class SigningKeys(IConfiguration configuration, KeyRing keyRing, DataDirectory dataDirectory,
    IDataProtectionProvider dataProtection, ILogger<SigningKeys> logger) : IKeyRingProtectedData
{
    public const int MinimumBytes = 32;
    public const string Purpose = "BlazorCutout.SigningKeys.v1";
    private const string FilePattern = "*.key";

    // Raw keys are plain base64, which never holds a colon: the prefix tells the two formats apart without guessing.
    private const string ProtectedPrefix = "protected:";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public string Description => "URL signing keys";

    public byte[] Load(string setting, string fileName)
    {
        var key = configuration[setting] is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : LoadOrCreate(fileName);
        if (key.Length < MinimumBytes) throw new InvalidOperationException($"{setting} must be at least {MinimumBytes} bytes (base64).");
        return key;
    }

    public Task<int> ReprotectAsync(CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var path in Directory.EnumerateFiles(keyRing.KeysDirectory, FilePattern))
        {
            if (Read(path) is not { } stored) continue;
            if (stored.Protected)
            {
                byte[]? again;
                try
                {
                    again = KeyRingReprotection.Reprotect(_protector, stored.Payload);
                }
                catch (CryptographicException)
                {
                    continue; // unreadable: Load replaces it when the key is first needed
                }
                if (again is null) continue;
                Write(path, again, overwrite: true);
            }
            else
            {
                Write(path, _protector.Protect(stored.Payload), overwrite: true);
            }
            changed++;
        }
        return Task.FromResult(changed);
    }

    private byte[] LoadOrCreate(string fileName)
    {
        var path = Path.Combine(keyRing.KeysDirectory, fileName);
        if (Read(path) is { } stored)
        {
            if (!stored.Protected)
            {
                // Same bytes, so links and callback tokens already handed out keep verifying. Another process doing the
                // same at once writes the same key.
                Write(path, _protector.Protect(stored.Payload), overwrite: true);
                return stored.Payload;
            }
            if (TryUnprotect(stored.Payload) is { } key) return key;
            logger.LogWarning("The signing key in {Path} cannot be decrypted with the Data Protection key ring (lost or replaced): a new key replaces it, " +
                              "and links and callback tokens signed with the old one stop working.", path);
            return Create(path, RandomNumberGenerator.GetBytes(MinimumBytes), overwrite: true);
        }

        // Written in clear by an earlier version, before BlazorCutout:DataProtection:KeysDirectory moved the key ring.
        var legacy = Path.Combine(dataDirectory.KeysPath, fileName);
        if (!string.Equals(legacy, path, StringComparison.Ordinal) && Read(legacy) is { Protected: false } old)
        {
            var key = Create(path, old.Payload, overwrite: false);
            File.Delete(legacy);
            return key;
        }
        return Create(path, RandomNumberGenerator.GetBytes(MinimumBytes), overwrite: false);
    }

    /// <summary>Writes <paramref name="key"/> protected; without <paramref name="overwrite"/>, a file another process created first wins.</summary>
    private byte[] Create(string path, byte[] key, bool overwrite)
    {
        try
        {
            Write(path, _protector.Protect(key), overwrite);
            return key;
        }
        catch (IOException) when (!overwrite && Read(path) is { Protected: true } theirs && TryUnprotect(theirs.Payload) is { } theirKey)
        {
            return theirKey;
        }
    }

    // Atomic: a reader sees the old file or the new one, never half of one.
    private static void Write(string path, byte[] protectedKey, bool overwrite)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, ProtectedPrefix + Convert.ToBase64String(protectedKey));
        try
        {
            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp); // nothing left when the move happened
        }
    }

    private byte[]? TryUnprotect(byte[] payload)
    {
        try
        {
            return _protector.Unprotect(payload);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The file's key (raw) or its protected payload; null when there is no file.</summary>
    private static StoredKey? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return text.StartsWith(ProtectedPrefix, StringComparison.Ordinal)
            ? new StoredKey(Convert.FromBase64String(text[ProtectedPrefix.Length..]), Protected: true)
            : new StoredKey(Convert.FromBase64String(text), Protected: false);
    }

    private sealed record StoredKey(byte[] Payload, bool Protected);
}
