using System.Net;
using BlazorCutout.Providers;
using BlazorCutout.Providers.PicWish;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Web.Admin.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tests.Support;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorCutout.Web.Tests.Admin;

/// <summary>
/// Issue #5: provider settings edited by an administrator override the configuration at once (no restart); the key is
/// stored only encrypted, shown only masked, and never logged or sent to the browser.
/// </summary>
public sealed class ProviderSettingsTests
{
    private const string Key = "sk-live-7f3c9a5e0d2b4f6a8c1e1a2b";
    private const string Mask = "sk-…1a2b";

    [Fact]
    public async Task A_key_saved_by_an_admin_is_stored_encrypted_makes_the_provider_available_and_never_leaks()
    {
        var logs = new CapturingLoggerProvider();
        await using var tasksApp = new TasksApp()
            .WithSetting("Providers:PicWish:BaseUrl", "https://picwish.example/")
            .WithSetting("Logging:LogLevel:Default", "Debug");
        await using var app = tasksApp.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));

        var registry = app.Services.GetRequiredService<ProviderRegistry>();
        var picwish = registry.Get(PicWishProvider.ProviderId);
        Assert.Equal("No API key is configured for PicWish.", picwish.GetAvailability().Reason);

        // The administrator comes from the setup link in the start-up log.
        var cookies = new CookieContainer();
        var browser = new TestBrowser(app.CreateDefaultClient(new CookieContainerHandler(cookies)));
        var email = TestBrowser.UniqueEmail("admin");
        await browser.RegisterSignedInAsync(email, registerPath: TestBrowser.SetupPathFromLog(logs.Lines));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<ProviderAdmin>();
            await admin.SaveAsync(PicWishProvider.ProviderId,
                new ProviderSettingsUpdate(Enabled: true, BaseUrl: null, PollIntervalSeconds: 1.5, RequestsPerSecond: 5, Concurrency: 3,
                    Prices: new ProviderPrices("credits", new Dictionary<ProviderOperation, OperationPrice> { [ProviderOperation.RemoveBackground] = new(PerImage: 3) }),
                    Key: KeyChange.Replace, NewKey: new Secret(Key)),
                email);
        }

        // At rest: ciphertext only.
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var row = await db.ProviderSettings.AsNoTracking().SingleAsync(r => r.ProviderId == PicWishProvider.ProviderId);
            Assert.NotNull(row.ProtectedApiKey);
            Assert.DoesNotContain(Key, row.ProtectedApiKey);
            Assert.DoesNotContain("1a2b", row.ProtectedApiKey);
            Assert.Equal(email, row.UpdatedBy);
            foreach (var file in Directory.GetFiles(tasksApp.DataDirectory, DatabaseFiles)) // the database and its WAL
                Assert.DoesNotContain(Key, System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));
        }

        // Picked up without a restart: the same registry entry is now available with the new pace and prices.
        Assert.Same(picwish, registry.Get(PicWishProvider.ProviderId));
        Assert.True(picwish.GetAvailability().IsAvailable, picwish.GetAvailability().Reason);
        Assert.Equal(new ProviderRate(5, 3), picwish.Descriptor.Rate);
        Assert.Equal(TimeSpan.FromSeconds(1.5), picwish.Descriptor.Polling.Interval);
        Assert.Equal(new ProviderCost(3, "credits"), picwish.Descriptor.Prices.Estimate(ProviderOperation.RemoveBackground));

        // The admin page shows the mask and the source, never the key.
        var html = await browser.GetPageAsync("/admin/providers");
        Assert.Contains($"configured ({Mask}), stored encrypted", WebUtility.HtmlDecode(html));
        Assert.DoesNotContain(Key, html);
        Assert.DoesNotContain(Key[3..^4], html);

        // Clearing the stored key takes it away again (nothing in the configuration).
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<ProviderAdmin>();
            var view = Assert.Single(await admin.ListAsync(), v => v.Id == PicWishProvider.ProviderId);
            Assert.Equal(ProviderKeySource.Stored, view.Key.Source);
            Assert.Equal(Mask, view.Key.Mask);
            await admin.SaveAsync(PicWishProvider.ProviderId,
                new ProviderSettingsUpdate(true, null, null, null, null, null, KeyChange.Clear), email);
        }
        Assert.Equal("No API key is configured for PicWish.", picwish.GetAvailability().Reason);
        Assert.Equal(new ProviderRate(2, 4), picwish.Descriptor.Rate); // back to the declared pace

        // Nothing the app logged contains the key or a recognisable part of it.
        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains("Provider settings of picwish saved", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(Key, StringComparison.Ordinal) || l.Contains(Key[3..^4], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Settings_are_validated_and_a_reset_returns_to_the_configuration()
    {
        await using var app = new TasksApp()
            .WithSetting("Providers:GptGe:ApiKey", "gptge-configured-key-0000abcd")
            .WithSetting("Providers:GptGe:BaseUrl", "https://gptge.example/");
        var gptge = app.Services.GetRequiredService<ProviderRegistry>().Get("gptge");
        Assert.True(gptge.GetAvailability().IsAvailable);

        await using var scope = app.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<ProviderAdmin>();
        var e = await Assert.ThrowsAsync<ProviderSettingsException>(() =>
            admin.SaveAsync("gptge", new ProviderSettingsUpdate(null, "http://169.254.169.254/latest/", null, null, null, null), "admin"));
        Assert.Contains("not allowed", e.Message);
        await Assert.ThrowsAsync<ProviderSettingsException>(() =>
            admin.SaveAsync("gptge", new ProviderSettingsUpdate(null, null, null, null, 0, null), "admin"));
        await Assert.ThrowsAsync<ProviderSettingsException>(() =>
            admin.SaveAsync("gptge", new ProviderSettingsUpdate(null, null, null, null, null, null, KeyChange.Replace, new Secret("has a space")), "admin"));

        var view = Assert.Single(await admin.ListAsync(), v => v.Id == "gptge");
        Assert.Equal(ProviderKeySource.Configuration, view.Key.Source);
        Assert.Equal("…abcd", view.Key.Mask); // no short vendor prefix to keep

        await admin.SaveAsync("gptge", new ProviderSettingsUpdate(false, null, null, null, null, null), "admin");
        Assert.Equal("gpt.ge is disabled in the configuration.", gptge.GetAvailability().Reason);
        await admin.ResetAsync("gptge", "admin");
        Assert.True(gptge.GetAvailability().IsAvailable);
    }

    private const string DatabaseFiles = "blazorcutout.db*";
}
