using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Providers.GptGe;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Studio;

namespace BlazorCutout.Web.Tests.Studio;

/// <summary>The Studio's "New background" mode (002 through gpt.ge): offered, limited and turned into options as the provider declares.</summary>
public sealed class NewBackgroundSettingsTests
{
    private static readonly ProviderDescriptor Local = FakeTaskService.Local();
    private static readonly ProviderDescriptor GptGe = GptGeProvider.BuildDescriptor(new GptGeOptions());
    private static readonly JobImage Photo = JobImage.FromBytes(new byte[] { 1, 2, 3 }, "cat.png", "image/png");

    [Fact]
    public void The_mode_is_offered_only_with_a_provider_that_generates_backgrounds()
    {
        Assert.Contains(ProviderOperation.GenerateBackground, StudioSettings.Modes);
        Assert.Null(StudioSettings.Unsupported(GptGe, ProviderOperation.GenerateBackground));
        Assert.Equal("Local engine cannot do background generation.", StudioSettings.Unsupported(Local, ProviderOperation.GenerateBackground));

        var settings = new StudioSettings { Operation = ProviderOperation.GenerateBackground };
        settings.FitTo(GptGe);
        Assert.Equal(ProviderOperation.GenerateBackground, settings.Operation);
        settings.FitTo(Local);
        Assert.Equal(ProviderOperation.RemoveBackground, settings.Operation);
    }

    [Fact]
    public void The_number_of_images_stays_within_one_and_the_providers_maximum()
    {
        var settings = new StudioSettings { BatchSize = 9 };
        Assert.Equal(JobOptions.MaxBatchSize, settings.BatchSize);
        settings.BatchSize = 0;
        Assert.Equal(1, settings.BatchSize);

        settings.BatchSize = 4;
        settings.FitTo(GptGe);
        Assert.Equal(4, settings.BatchSize);
        settings.FitTo(GptGe with { Options = GptGe.Options with { MaxBatchSize = 2 } });
        Assert.Equal(2, settings.BatchSize);
        Assert.Equal(1, StudioSettings.MaxBatch(Local));
        Assert.Equal(4, StudioSettings.MaxBatch(GptGe));
    }

    [Fact]
    public void Only_the_prompt_and_the_count_travel_and_the_server_accepts_them()
    {
        var settings = new StudioSettings
        {
            Operation = ProviderOperation.GenerateBackground,
            Type = SubjectType.Person, Output = OutputKind.ImageAndMask, Crop = true, Background = BackgroundMode.Colour, Colour = "#00ff00",
            TextPrompt = "the cat", BackgroundPrompt = "  a sunny beach  ", BatchSize = 3,
        };
        settings.FitTo(GptGe);

        var options = settings.ToJobOptions([new NormalizedPoint(0.5, 0.5)], []);

        Assert.Equal(("a sunny beach", 3), (options.BackgroundPrompt, options.BatchSize));
        Assert.Equal((SubjectType.Auto, OutputKind.Image, false, (string?)null, (string?)null), (options.Type, options.Output, options.Crop, options.BackgroundColor, options.TextPrompt));
        Assert.Empty(options.PositivePoints);
        Assert.False(settings.UsesBackgroundImage);
        Assert.Null(settings.SubmitProblem(hasBackgroundImage: false));
        ProviderJobValidator.Validate(GptGe, new ProviderJob("t", ProviderOperation.GenerateBackground, options, Photo));

        // Back to cutting out: the count and the prompt stay behind.
        settings.Operation = ProviderOperation.RemoveBackground;
        var cutout = settings.ToJobOptions();
        Assert.Equal((1, (string?)null, OutputKind.ImageAndMask), (cutout.BatchSize, cutout.BackgroundPrompt, cutout.Output));
    }

    [Theory]
    [InlineData("", "Describe the background to generate.")]
    [InlineData("   ", "Describe the background to generate.")]
    [InlineData("x", null)]
    [InlineData(1024, null)]
    [InlineData(1025, "The background prompt is longer than 1024 characters.")]
    public void The_studio_refuses_a_prompt_exactly_where_the_server_does_and_in_its_words(object prompt, string? expected)
    {
        var text = prompt as string ?? new string('a', (int)prompt);
        var settings = new StudioSettings { Operation = ProviderOperation.GenerateBackground, BackgroundPrompt = text };

        Assert.Equal(expected, settings.BackgroundPromptProblem);
        Assert.Equal(expected, settings.SubmitProblem(hasBackgroundImage: false));
        var server = Record.Exception(() => ProviderJobValidator.Validate(GptGe, new ProviderJob("t", ProviderOperation.GenerateBackground, settings.ToJobOptions(), Photo)));
        Assert.Equal(expected, server?.Message);
    }

    [Fact]
    public void The_price_hint_scales_with_the_number_of_images()
    {
        Assert.Equal("1 credit per image", TaskText.Price(GptGe, ProviderOperation.GenerateBackground));
        Assert.Equal("3 credits per photo sent (3 results)", TaskText.Price(GptGe, ProviderOperation.GenerateBackground, 3));
        Assert.Equal("Free", TaskText.Price(Local, ProviderOperation.GenerateBackground, 3));
    }

    [Fact]
    public void A_provider_that_reports_its_charges_is_not_called_free()
    {
        var hitPaw = BlazorCutout.Providers.HitPaw.HitPawProvider.BuildDescriptor(new BlazorCutout.Providers.HitPaw.HitPawOptions());
        Assert.Equal("Coins as HitPaw reports them", TaskText.Price(hitPaw, ProviderOperation.RemoveBackground));
    }
}
