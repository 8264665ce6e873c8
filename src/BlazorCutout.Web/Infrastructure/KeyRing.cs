using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// The Data Protection key ring (auth cookies, antiforgery tokens, provider API keys stored in the database): where it
/// lives and, when a certificate is configured, encrypted at rest with it. Resolved once at start-up; a configured
/// certificate that cannot be used stops the start rather than leaving the keys unencrypted.
/// </summary>
public sealed class KeyRing
{
    private const string Section = KeyRingOptions.Section;

    private KeyRing(string keysDirectory, X509Certificate2? certificate, X509Certificate2[] previousCertificates)
    {
        KeysDirectory = keysDirectory;
        Certificate = certificate;
        PreviousCertificates = previousCertificates;
    }

    public string KeysDirectory { get; }

    /// <summary>The certificate new keys are encrypted with; null when the key ring is not encrypted at rest.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Certificates that only decrypt keys written under them, so the certificate can be replaced.</summary>
    public IReadOnlyList<X509Certificate2> PreviousCertificates { get; }

    public static KeyRing Resolve(IConfiguration configuration, IHostEnvironment environment, DataDirectory dataDirectory)
    {
        var options = configuration.GetSection(Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        var keysDirectory = string.IsNullOrWhiteSpace(options.KeysDirectory)
            ? dataDirectory.KeysPath
            : Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.KeysDirectory)); // Combine keeps absolute paths as they are.
        Directory.CreateDirectory(keysDirectory);

        // A password without a file is a half-done set-up; starting unencrypted would hide it.
        if (string.IsNullOrWhiteSpace(options.CertificatePath) && !string.IsNullOrEmpty(options.CertificatePassword))
            throw new InvalidOperationException($"{Section}:CertificatePassword is set but {Section}:CertificatePath is not: set both to encrypt the key ring, or neither.");
        var certificate = string.IsNullOrWhiteSpace(options.CertificatePath)
            ? null
            : LoadCertificate(options.CertificatePath, options.CertificatePassword, $"{Section}:CertificatePath", environment);
        var previous = options.PreviousCertificates
            .Select((c, i) => LoadCertificate(c.Path, c.Password, $"{Section}:PreviousCertificates:{i}:Path", environment))
            .ToArray();
        return new KeyRing(keysDirectory, certificate, previous);
    }

    /// <summary>
    /// Registers Data Protection over this key ring, the URL signing keys kept beside it, <see cref="KeyRingUpgrade"/>
    /// and the start-up line that says how the key ring is protected.
    /// </summary>
    public void AddTo(IServiceCollection services)
    {
        var dataProtection = services.AddDataProtection()
            .SetApplicationName("BlazorCutout")
            .PersistKeysToFileSystem(new DirectoryInfo(KeysDirectory));
        if (Certificate is not null)
            dataProtection.ProtectKeysWithCertificate(Certificate); // also decrypts with it
        if (PreviousCertificates.Count > 0)
            dataProtection.UnprotectKeysWithAnyCertificate([.. PreviousCertificates]);

        services.AddSingleton(this);
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<IKeyRingProtectedData>(sp => sp.GetRequiredService<SigningKeys>());
        services.AddSingleton<KeyRingUpgrade>();
        services.AddHostedService<KeyRingStartupReport>();
    }

    /// <summary>Key files that hold their master key in clear (written before a certificate was configured, or without one).</summary>
    internal int CountUnencryptedKeyFiles() => Directory.EnumerateFiles(KeysDirectory, "key-*.xml").Count(IsUnencrypted);

    /// <summary>Whether <paramref name="key"/>'s file holds its master key in clear.</summary>
    internal bool IsUnencrypted(IKey key) =>
        IsUnencrypted(Path.Combine(KeysDirectory, $"key-{key.KeyId:D}.xml")); // the file name Data Protection gives each key

    private static bool IsUnencrypted(string keyFile)
    {
        try
        {
            return XDocument.Load(keyFile).Descendants().Any(e => e.Name.LocalName == "masterKey");
        }
        catch (Exception e) when (e is IOException or System.Xml.XmlException)
        {
            return false; // Data Protection reports files it cannot read itself
        }
    }

    private static X509Certificate2 LoadCertificate(string? path, string? password, string setting, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidOperationException($"{setting} is empty.");
        var fullPath = Path.GetFullPath(Path.Combine(environment.ContentRootPath, path));
        if (!File.Exists(fullPath))
            throw new InvalidOperationException($"{setting}: there is no certificate file at '{fullPath}'.");

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(fullPath, string.IsNullOrEmpty(password) ? null : password);
        }
        catch (CryptographicException e)
        {
            // The exception never carries the password; neither does this message.
            throw new InvalidOperationException(
                $"{setting}: '{fullPath}' cannot be opened: the password in {PasswordSetting(setting)} is wrong, or the file is not a PFX/PKCS#12 certificate.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{setting}: '{fullPath}' cannot be read ({e.Message}).", e);
        }

        // The key ring's keys are wrapped with RSA (XML encryption); without the private key nothing could be read back.
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{setting}: '{fullPath}' holds no RSA private key, which encrypting the key ring needs.");
        }
        return certificate;
    }

    // ":CertificatePath" → ":CertificatePassword", ":PreviousCertificates:0:Path" → ":PreviousCertificates:0:Password".
    private static string PasswordSetting(string pathSetting) => pathSetting[..^"Path".Length] + "Password";
}

/// <summary>
/// Before the app starts, with a certificate: when the default key was written in clear (the certificate was just turned
/// on), a new key, encrypted, becomes the default at once rather than within 90 days, and what the app keeps protected
/// (provider API keys, signing keys) is protected again with it. The old key files stay: cookies and antiforgery tokens
/// issued before still need them. Harmless to run again: once the default key is encrypted and everything uses it, nothing changes.
/// </summary>
public sealed class KeyRingUpgrade(
    KeyRing keyRing, IKeyManager keyManager, IOptions<KeyManagementOptions> keyManagement, IEnumerable<IKeyRingProtectedData> protectedData,
    ILogger<KeyRingUpgrade> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (keyRing.Certificate is null || keyRing.CountUnencryptedKeyFiles() == 0) return;

        if (DefaultKey() is { } current && keyRing.IsUnencrypted(current))
        {
            // Data Protection uses its own clock (DateTimeOffset.UtcNow) to pick the default key; so does this.
            var now = DateTimeOffset.UtcNow;
            var key = keyManager.CreateNewKey(now, now + keyManagement.Value.NewKeyLifetime);
            logger.LogInformation("The default Data Protection key {OldKey} was written without a certificate: new key {NewKey}, encrypted with the certificate, replaces it as the default.",
                current.KeyId, key.KeyId);
        }
        // Also when the default key is already encrypted: a start stopped half-way through protects the rest now.
        foreach (var data in protectedData)
            if (await data.ReprotectAsync(cancellationToken) is > 0 and var count)
                logger.LogInformation("{Count} {What} protected again with the encrypted default key.", count, data.Description);
    }

    // The key Data Protection protects with: the most recently activated one that is active (its DefaultKeyResolver's preference).
    private IKey? DefaultKey()
    {
        var now = DateTimeOffset.UtcNow;
        return keyManager.GetAllKeys()
            .Where(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now)
            .OrderByDescending(k => k.ActivationDate)
            .ThenBy(k => k.KeyId)
            .FirstOrDefault();
    }
}

public static class KeyRingStartupExtensions
{
    /// <summary>
    /// Runs <see cref="KeyRingUpgrade"/>. Call after the database is migrated and before the host starts: Data Protection
    /// caches its key ring on first use and picks up a new default key only in the background afterwards, so the new key
    /// must exist before anything (hosted services, their providers' stored keys) reads the key ring.
    /// </summary>
    public static Task UpgradeKeyRingAsync(this IServiceProvider services, CancellationToken cancellationToken = default) =>
        services.GetRequiredService<KeyRingUpgrade>().RunAsync(cancellationToken);
}

/// <summary>Says once at start-up whether the key ring is encrypted at rest, and how to change that (never a secret).</summary>
internal sealed class KeyRingStartupReport(KeyRing keyRing, ILogger<KeyRingStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (keyRing.Certificate is not { } certificate)
        {
            logger.LogWarning(
                "The Data Protection key ring in {KeysDirectory} is not encrypted at rest: anyone with a copy of it can decrypt the provider keys stored in the database. " +
                "To encrypt it, set {Section}:CertificatePath to a PFX file kept outside the data directory and {Section}:CertificatePassword (README, \"Protecting the keys\").",
                keyRing.KeysDirectory, KeyRingOptions.Section, KeyRingOptions.Section);
            return Task.CompletedTask;
        }

        logger.LogInformation("The Data Protection key ring in {KeysDirectory} is encrypted at rest with certificate {Thumbprint} ({Subject}, valid until {NotAfter:yyyy-MM-dd}).",
            keyRing.KeysDirectory, certificate.Thumbprint, certificate.Subject, certificate.NotAfter);
        if (keyRing.CountUnencryptedKeyFiles() is > 0 and var unencrypted)
            logger.LogWarning(
                "{Count} Data Protection key file(s) in {KeysDirectory} were written without a certificate and stay unencrypted until they are deleted. " +
                "The stored provider keys and signing keys are protected with an encrypted key; the old files still read sign-in cookies issued before, " +
                "so delete them once those have expired, or now if everyone may sign in again (README, \"Protecting the keys\").",
                unencrypted, keyRing.KeysDirectory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
