using System.Text;
using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>Every refused submission says why, and leaves nothing behind.</summary>
public sealed class SubmissionValidationTests(SubmissionValidationTests.App app) : IClassFixture<SubmissionValidationTests.App>
{
    public sealed class App : IDisposable
    {
        public ScriptedProvider Small { get; } = new("tiny-limits", maxPixelsPerSide: 100);
        public ScriptedProvider UrlOnly { get; } = new("url-only", inputs: ProviderInputs.Url);
        public ScriptedProvider Off { get; } = new("switched-off") { Availability = ProviderAvailability.Unavailable("Switched off for maintenance.") };
        public TasksApp Host { get; }

        public App()
        {
            // No worker: these tests look only at what SubmitAsync accepts and stores.
            Host = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false").WithProvider(Small).WithProvider(UrlOnly).WithProvider(Off);
        }

        public void Dispose() => Host.Dispose();
    }

    public static TheoryData<string, string, ProviderOperation, string, string> Refusals() => new()
    {
        { "empty file", "local", ProviderOperation.RemoveBackground, "", "is empty" },
        { "text file", "local", ProviderOperation.RemoveBackground, "hello, this is not a picture", "not an image" },
        { "unknown provider", "nope", ProviderOperation.RemoveBackground, "png", "There is no provider called 'nope'" },
        { "unsupported operation", "local", ProviderOperation.GenerateBackground, "png", "cannot do background generation" },
        { "text segmentation on the local engine", "local", ProviderOperation.SegmentByText, "png", "text-grounding model" },
        { "provider limits", "tiny-limits", ProviderOperation.RemoveBackground, "png", "at most 100 pixels per side" },
        { "unavailable provider", "switched-off", ProviderOperation.RemoveBackground, "png", "Switched off for maintenance." },
        { "url-only provider without public base URL", "url-only", ProviderOperation.RemoveBackground, "png", "BlazorCutout:PublicBaseUrl" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_submission_says_why_and_stores_nothing(string _, string providerId, ProviderOperation operation, string content, string reason)
    {
        var userId = await app.Host.CreateUserAsync();
        var bytes = content == "png" ? TestImages.Source : Encoding.UTF8.GetBytes(content);

        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Host.Tasks.SubmitAsync(userId,
            new NewTaskRequest(providerId, operation, new JobOptions(), new IncomingImage("x.png", "image/png", bytes))));

        Assert.Contains(reason, refused.Message);
        Assert.False(string.IsNullOrEmpty(refused.Code));
        await AssertNothingStoredAsync(userId);
    }

    [Theory]
    [InlineData("/photos/cat.jpg")]
    [InlineData("//example.com/cat.jpg")]
    [InlineData("photos/cat.jpg")]
    [InlineData("example.com/cat.jpg")]
    public async Task A_partial_address_in_the_url_field_asks_for_a_full_https_address(string url)
    {
        var userId = await app.Host.CreateUserAsync();
        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Host.Tasks.FetchImageAsync(userId, "local", url));

        Assert.Equal("InvalidUrl", refused.Code);
        Assert.Contains("enter a full https address", refused.Message);
    }

    [Fact]
    public async Task An_invalid_option_is_refused_with_the_validators_reason()
    {
        var userId = await app.Host.CreateUserAsync();
        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Host.Tasks.SubmitAsync(userId,
            new NewTaskRequest("local", ProviderOperation.RemoveBackground, new JobOptions { BackgroundColor = "not-a-colour" },
                new IncomingImage("x.png", null, TestImages.Source))));
        Assert.Equal(nameof(ProviderErrorCode.InvalidOption), refused.Code);
        Assert.Contains("is not a colour", refused.Message);
        await AssertNothingStoredAsync(userId);
    }

    [Fact]
    public async Task A_broken_image_is_refused_with_the_engines_reason()
    {
        var userId = await app.Host.CreateUserAsync();
        var truncated = TestImages.Source[..40]; // a PNG signature and a cut-off header
        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Host.Tasks.SubmitAsync(userId,
            new NewTaskRequest("local", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("x.png", null, truncated))));
        Assert.True(refused.Code is nameof(CutoutErrorCode.CorruptImage) or nameof(CutoutErrorCode.NotAnImage), refused.Code);
        await AssertNothingStoredAsync(userId);
    }

    [Fact]
    public void The_picker_lists_every_provider_default_first_and_says_why_one_is_unavailable()
    {
        var choices = app.Host.Tasks.Providers();
        Assert.Equal("local", choices[0].Descriptor.Id);
        Assert.True(choices[0].IsDefault);
        Assert.True(choices[0].IsAvailable);
        var urlOnly = choices.Single(c => c.Descriptor.Id == "url-only");
        Assert.False(urlOnly.IsAvailable);
        Assert.Contains("only fetches images from a URL", urlOnly.UnavailableReason);
        var off = choices.Single(c => c.Descriptor.Id == "switched-off");
        Assert.Equal("Switched off for maintenance.", off.UnavailableReason);
    }

    [Fact]
    public async Task An_accepted_submission_is_queued_with_its_source_stored()
    {
        var userId = await app.Host.CreateUserAsync();
        var view = await app.Host.Tasks.SubmitAsync(userId, new NewTaskRequest("local", ProviderOperation.RemoveBackground,
            new JobOptions { BackgroundColor = "81d4fa" }, new IncomingImage("../../etc/Holiday \"photo\".PNG", "text/plain", TestImages.Source)));

        Assert.Equal(CutoutTaskState.Queued, view.State);
        Assert.Equal("Holiday photo.png", view.Source.FileName);
        Assert.Equal("image/png", view.Source.ContentType); // from the bytes, not from what the browser claimed
        var row = await app.Host.TaskRowAsync(view.Id);
        Assert.Contains("81d4fa", row.OptionsJson);
        Assert.Equal(1, await app.Host.DbAsync(db => db.Assets.CountAsync(a => a.OwnerId == userId)));
    }

    private async Task AssertNothingStoredAsync(string userId)
    {
        Assert.Equal(0, await app.Host.DbAsync(db => db.Tasks.CountAsync(t => t.OwnerId == userId)));
        Assert.Equal(0, await app.Host.DbAsync(db => db.Assets.CountAsync(a => a.OwnerId == userId)));
        var assets = Path.Combine(app.Host.DataDirectory, "assets");
        var files = Directory.Exists(assets) ? Directory.GetFiles(assets, "*", SearchOption.AllDirectories).Length : 0;
        var stored = await app.Host.DbAsync(db => db.Assets.CountAsync());
        Assert.Equal(stored, files); // no file without its row
    }
}
