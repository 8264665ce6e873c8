using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Web.Admin.Providers;
using BlazorCutout.Web.Tests.Support;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.AspNetCore.Mvc.Testing;
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
        var app = new TasksApp(dataDirectory).WithSetting("Providers:PicWish:BaseUrl", "https://picwish.example/");
        return certificate is null ? app : app.WithSetting(CertificatePath, certificate.Path).WithSetting(CertificatePassword, Password);
    }

    private static WebApplicationFactory<Program> WithLogs(TasksApp app, CapturingLoggerProvider logs) =>
        app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));

    private static async Task<ProviderKeyStatus> StoredKeyAsync(TasksApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var views = await scope.ServiceProvider.GetRequiredService<ProviderAdmin>().ListAsync();
        return Assert.Single(views, v => v.Id == PicWishProvider.ProviderId).Key;
    }
}
