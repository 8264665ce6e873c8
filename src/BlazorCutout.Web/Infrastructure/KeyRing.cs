using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;

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

    /// <summary>Registers Data Protection over this key ring, and the start-up line that says how it is protected.</summary>
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
        services.AddHostedService<KeyRingStartupReport>();
    }

    /// <summary>Key files that hold their master key in clear (written before a certificate was configured, or without one).</summary>
    internal int CountUnencryptedKeyFiles() =>
        Directory.EnumerateFiles(KeysDirectory, "key-*.xml").Count(file =>
        {
            try
            {
                return XDocument.Load(file).Descendants().Any(e => e.Name.LocalName == "masterKey");
            }
            catch (Exception e) when (e is IOException or System.Xml.XmlException)
            {
                return false; // Data Protection reports files it cannot read itself
            }
        });

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
                "{Count} Data Protection key file(s) in {KeysDirectory} were written without a certificate and stay unencrypted until they are deleted (README, \"Protecting the keys\").",
                unencrypted, keyRing.KeysDirectory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
