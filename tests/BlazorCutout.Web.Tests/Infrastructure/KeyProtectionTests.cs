using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Web.Admin.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks.Callbacks;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Tests.Support;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Web.Tests.Infrastructure;

/// <summary>
/// The Data Protection key ring encrypted at rest with an X.509 certificate (<c>BlazorCutout:DataProtection:*</c>):
/// real PFX files made here, the real app, real key files, real restarts over one data directory.
/// </summary>
public sealed class KeyProtectionTests : IDisposable
{
    private const string CertificatePath = "BlazorCutout:DataProtection:CertificatePath";
    private const string CertificatePassword = "BlazorCutout:DataProtection:CertificatePassword";
    private const string Password = "pfx-pass-5d1e7a93";
    private const string Key = "sk-live-0a9b8c7d6e5f4a3b2c1d9e8f";
    private const string Mask = "sk-…9e8f";
    private const string PublicBaseUrl = "https://cutout.example/";
    private static readonly Guid AssetId = Guid.Parse("5a0f3c1e-7b2d-4e69-9c8a-1d2e3f405162");

    // Certificates and key rings outside any data directory, as an operator would keep them.
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "blazorcutout-tests", "keyring-" + Guid.NewGuid().ToString("N"));

    public KeyProtectionTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => TasksApp.DeleteDirectory(_folder);

    [Fact]
    public async Task Keys_written_under_a_certificate_hold_an_encrypted_secret_and_no_master_key_in_clear()
    {
        var certificate = NewCertificate("current");
        var keysDirectory = Path.Combine(_folder, "keys");
        await using var app = App(dataDirectory: null, certificate)
            .WithSetting("BlazorCutout:DataProtection:KeysDirectory", keysDirectory);

        // The first protection writes the key ring's first key.
        var protectedKey = app.Services.GetRequiredService<ProviderKeyProtector>().Protect(new Secret(Key));
        Assert.Equal(Key, app.Services.GetRequiredService<ProviderKeyProtector>().TryUnprotect(protectedKey)?.Reveal());

        var files = Directory.GetFiles(keysDirectory, "key-*.xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var key = XDocument.Load(file);
            Assert.DoesNotContain(key.Descendants(), e => e.Name.LocalName == "masterKey");
            var secret = Assert.Single(key.Descendants(), e => e.Name.LocalName == "encryptedSecret");
            // Wrapped for this certificate: its public part travels with the ciphertext so the right private key is found.
            Assert.Contains(Convert.ToBase64String(certificate.RawData), secret.ToString(SaveOptions.DisableFormatting));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "keys"), "key-*.xml")); // nothing left in the data directory
    }

    [Fact]
    public async Task A_provider_key_saved_under_a_certificate_is_read_after_a_restart_and_after_the_certificate_is_replaced_but_not_without_it()
    {
        var first = NewCertificate("first");
        var second = NewCertificate("second");
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            await using (var app = App(dataDirectory, first))
            {
                await using var scope = app.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ProviderAdmin>().SaveAsync(PicWishProvider.ProviderId,
                    new ProviderSettingsUpdate(true, null, null, null, null, null, KeyChange.Replace, new Secret(Key)), "admin");
            }

            await using (var sameCertificate = App(dataDirectory, first))
                Assert.Equal(new ProviderKeyStatus(ProviderKeySource.Stored, Mask, false), await StoredKeyAsync(sameCertificate));

            // Rotation: keys are now written under the second certificate; the first one only decrypts the old key.
            await using (var rotated = App(dataDirectory, second)
                             .WithSetting("BlazorCutout:DataProtection:PreviousCertificates:0:Path", first.Path)
                             .WithSetting("BlazorCutout:DataProtection:PreviousCertificates:0:Password", Password))
                Assert.Equal(new ProviderKeyStatus(ProviderKeySource.Stored, Mask, false), await StoredKeyAsync(rotated));

            // The key files alone are no longer enough: without a certificate the stored key cannot be decrypted.
            await using (var withoutCertificate = App(dataDirectory, certificate: null))
                Assert.Equal(new ProviderKeyStatus(ProviderKeySource.None, null, true), await StoredKeyAsync(withoutCertificate));
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Theory]
    [InlineData("wrong password", $"{CertificatePath}: ", $"the password in {CertificatePassword} is wrong")]
    [InlineData("missing file", $"{CertificatePath}: there is no certificate file at ", "missing.pfx")]
    [InlineData("no private key", $"{CertificatePath}: ", "holds no RSA private key")]
    [InlineData("password only", $"{CertificatePassword} is set but {CertificatePath} is not", "")]
    [InlineData("previous: wrong password", "BlazorCutout:DataProtection:PreviousCertificates:0:Path: ", "the password in BlazorCutout:DataProtection:PreviousCertificates:0:Password is wrong")]
    public void A_configured_certificate_that_cannot_be_used_stops_the_start_with_a_message_naming_the_setting(string problem, string expected, string alsoExpected)
    {
        var certificate = NewCertificate("current");
        using var app = problem switch
        {
            "wrong password" => App(null, certificate).WithSetting(CertificatePassword, "not-the-password"),
            "missing file" => App(null, certificate with { Path = Path.Combine(_folder, "missing.pfx") }),
            "no private key" => App(null, certificate with { Path = WithoutPrivateKey(certificate) }),
            "password only" => App(null, certificate: null).WithSetting(CertificatePassword, Password),
            "previous: wrong password" => App(null, certificate)
                .WithSetting("BlazorCutout:DataProtection:PreviousCertificates:0:Path", NewCertificate("old").Path)
                .WithSetting("BlazorCutout:DataProtection:PreviousCertificates:0:Password", "not-the-password"),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var failure = Assert.Throws<InvalidOperationException>(() => app.Services);
        Assert.StartsWith(expected, failure.Message);
        Assert.Contains(alsoExpected, failure.Message);
        Assert.DoesNotContain(Password, failure.ToString());
        Assert.DoesNotContain("not-the-password", failure.ToString());
    }

    [Fact]
    public async Task Start_up_says_whether_the_key_ring_is_encrypted_and_which_keys_are_still_in_clear_without_logging_the_password()
    {
        var certificate = NewCertificate("current");
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            var unencrypted = new CapturingLoggerProvider();
            await using (var plain = App(dataDirectory, certificate: null))
            await using (var app = WithLogs(plain, unencrypted))
                app.Services.GetRequiredService<ProviderKeyProtector>().Protect(new Secret(Key)); // writes a key in clear
            var warning = Assert.Single(unencrypted.Lines, l => l.Contains("[Warning]") && l.Contains("is not encrypted at rest"));
            Assert.Contains($"set {CertificatePath} to a PFX file", warning);

            var encrypted = new CapturingLoggerProvider();
            await using (var withCertificate = App(dataDirectory, certificate))
            await using (var app = WithLogs(withCertificate, encrypted))
                _ = app.Services; // starts the host
            Assert.Contains(encrypted.Lines, l => l.Contains("[Information]") && l.Contains($"is encrypted at rest with certificate {certificate.Thumbprint}"));
            Assert.Contains(encrypted.Lines, l => l.Contains("[Warning]") && l.Contains("1 Data Protection key file(s)") && l.Contains("written without a certificate"));
            Assert.DoesNotContain(encrypted.Lines, l => l.Contains("is not encrypted at rest"));
            Assert.DoesNotContain(encrypted.Lines, l => l.Contains(Password));
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task Signing_keys_are_kept_protected_beside_the_key_ring_and_links_signed_before_a_restart_still_verify()
    {
        var certificate = NewCertificate("current");
        var keysDirectory = Path.Combine(_folder, "keys");
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            // An install from before: its link key in clear in <data>/keys.
            var linkKey = RandomNumberGenerator.GetBytes(32);
            var legacyFile = Path.Combine(dataDirectory, "keys", "asset-url.key");
            Directory.CreateDirectory(Path.GetDirectoryName(legacyFile)!);
            File.WriteAllText(legacyFile, Convert.ToBase64String(linkKey));

            Uri link, callback;
            await using (var app = App(dataDirectory, certificate).WithSetting("BlazorCutout:DataProtection:KeysDirectory", keysDirectory))
            {
                link = app.Services.GetRequiredService<AssetUrlSigner>().Sign(AssetId);
                callback = app.Services.GetRequiredService<CallbackUrls>().For(AssetId)!;
            }
            Assert.Equal(SignatureUnder(linkKey, link), Query(link, "sig")); // the same key, so links handed out before keep working

            var files = new[] { "asset-url.key", "callback-url.key" }.Select(f => Path.Combine(keysDirectory, f)).ToArray();
            var written = files.Select(File.ReadAllText).ToArray();
            Assert.All(written, text => Assert.False(IsPlainKey(text), text));
            Assert.DoesNotContain(Convert.ToBase64String(linkKey), written[0]);
            Assert.False(File.Exists(legacyFile));
            Assert.Empty(Directory.GetFiles(Path.Combine(dataDirectory, "keys")));
            Assert.Equal(0, CountUnencryptedKeyFiles(keysDirectory)); // protected with a key the certificate encrypts

            await using (var restarted = App(dataDirectory, certificate).WithSetting("BlazorCutout:DataProtection:KeysDirectory", keysDirectory))
            {
                Assert.True(restarted.Services.GetRequiredService<AssetUrlSigner>().Verify(AssetId, Query(link, "exp"), Query(link, "sig")));
                Assert.Equal(callback, restarted.Services.GetRequiredService<CallbackUrls>().For(AssetId));
            }
            Assert.Equal(written, files.Select(File.ReadAllText)); // read, not rewritten
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task Turning_a_certificate_on_makes_a_new_encrypted_default_key_and_protects_the_stored_provider_key_and_signing_keys_with_it_once()
    {
        var certificate = NewCertificate("current");
        var dataDirectory = TasksApp.NewDataDirectory();
        var keysDirectory = Path.Combine(dataDirectory, "keys");
        try
        {
            Uri link;
            string storedBefore, storedAfter;
            await using (var plain = App(dataDirectory, certificate: null))
            {
                await using var scope = plain.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ProviderAdmin>().SaveAsync(PicWishProvider.ProviderId,
                    new ProviderSettingsUpdate(true, null, null, null, null, null, KeyChange.Replace, new Secret(Key)), "admin");
                link = plain.Services.GetRequiredService<AssetUrlSigner>().Sign(AssetId);
                storedBefore = await StoredCipherAsync(plain.Services);
            }
            var plainKeyFile = Assert.Single(Directory.GetFiles(keysDirectory, "key-*.xml"));
            var signingKeysBefore = SigningKeyFiles(keysDirectory);

            var logs = new CapturingLoggerProvider();
            await using (var withCertificate = App(dataDirectory, certificate))
            await using (var app = WithLogs(withCertificate, logs))
            {
                Assert.Equal(new ProviderKeyStatus(ProviderKeySource.Stored, Mask, false), await StoredKeyAsync(app.Services));
                Assert.True(app.Services.GetRequiredService<AssetUrlSigner>().Verify(AssetId, Query(link, "exp"), Query(link, "sig")));
                storedAfter = await StoredCipherAsync(app.Services);
            }

            var keyFiles = Directory.GetFiles(keysDirectory, "key-*.xml");
            Assert.Contains(plainKeyFile, keyFiles); // kept: it still reads cookies issued before
            var encryptedKeyFile = Assert.Single(keyFiles, f => f != plainKeyFile);
            Assert.Equal(1, CountUnencryptedKeyFiles(keysDirectory));
            var encryptedKeyId = Guid.Parse(XDocument.Load(encryptedKeyFile).Root!.Attribute("id")!.Value);

            Assert.NotEqual(storedBefore, storedAfter);
            Assert.Equal(encryptedKeyId, ProtectingKeyId(WebEncoders.Base64UrlDecode(storedAfter)));
            var signingKeysAfter = SigningKeyFiles(keysDirectory);
            Assert.Equal(signingKeysBefore.Keys, signingKeysAfter.Keys);
            Assert.All(signingKeysAfter, file => Assert.NotEqual(signingKeysBefore[file.Key], file.Value));
            Assert.Contains(logs.Lines, l => l.Contains("[Warning]") && l.Contains("1 Data Protection key file(s)") && l.Contains("stay unencrypted until they are deleted"));

            // Once moved, a start changes nothing: no new key, nothing protected again.
            await using (var third = App(dataDirectory, certificate))
            {
                Assert.Equal(new ProviderKeyStatus(ProviderKeySource.Stored, Mask, false), await StoredKeyAsync(third));
                Assert.True(third.Services.GetRequiredService<AssetUrlSigner>().Verify(AssetId, Query(link, "exp"), Query(link, "sig")));
                Assert.Equal(storedAfter, await StoredCipherAsync(third.Services));
            }
            Assert.Equal(keyFiles.Order(), Directory.GetFiles(keysDirectory, "key-*.xml").Order());
            Assert.Equal(signingKeysAfter, SigningKeyFiles(keysDirectory));
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    private static string? Query(Uri url, string name) => QueryHelpers.ParseQuery(url.Query)[name];

    /// <summary>The link signature under <paramref name="key"/>, as the signer has always made it: HMAC-SHA256 over "id:exp".</summary>
    private static string SignatureUnder(byte[] key, Uri link) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{AssetId:D}:{Query(link, "exp")}")));

    /// <summary>Whether a key file is a key in clear: base64 of at least 32 bytes.</summary>
    private static bool IsPlainKey(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), bytes, out var length) && length >= 32;
    }

    private static int CountUnencryptedKeyFiles(string keysDirectory) =>
        Directory.GetFiles(keysDirectory, "key-*.xml").Count(f => XDocument.Load(f).Descendants().Any(e => e.Name.LocalName == "masterKey"));

    private static Dictionary<string, string> SigningKeyFiles(string keysDirectory) =>
        Directory.GetFiles(keysDirectory, "*.key").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    /// <summary>The key a Data Protection payload was protected with: its documented header is a 4-byte magic number, then the key id.</summary>
    private static Guid ProtectingKeyId(byte[] payload) => new(payload.AsSpan(4, 16));

    private static async Task<string> StoredCipherAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ProviderSettings.Where(s => s.ProviderId == PicWishProvider.ProviderId).Select(s => s.ProtectedApiKey!).SingleAsync();
    }

    private sealed record TestCertificate(string Path, string Thumbprint, byte[] RawData);

    private TestCertificate NewCertificate(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=BlazorCutout key ring {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_folder, $"{name}-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return new TestCertificate(path, certificate.Thumbprint, certificate.RawData);
    }

    /// <summary>A PFX with the same password that carries only the public certificate.</summary>
    private string WithoutPrivateKey(TestCertificate certificate)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        var path = Path.Combine(_folder, $"public-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, publicOnly.Export(X509ContentType.Pfx, Password));
        return path;
    }

    private static TasksApp App(string? dataDirectory, TestCertificate? certificate)
    {
        var app = new TasksApp(dataDirectory).WithSetting("Providers:PicWish:BaseUrl", "https://picwish.example/")
            .WithSetting("BlazorCutout:PublicBaseUrl", PublicBaseUrl);
        return certificate is null ? app : app.WithSetting(CertificatePath, certificate.Path).WithSetting(CertificatePassword, Password);
    }

    private static WebApplicationFactory<Program> WithLogs(TasksApp app, CapturingLoggerProvider logs) =>
        app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));

    private static Task<ProviderKeyStatus> StoredKeyAsync(TasksApp app) => StoredKeyAsync(app.Services);

    private static async Task<ProviderKeyStatus> StoredKeyAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var views = await scope.ServiceProvider.GetRequiredService<ProviderAdmin>().ListAsync();
        return Assert.Single(views, v => v.Id == PicWishProvider.ProviderId).Key;
    }
}
