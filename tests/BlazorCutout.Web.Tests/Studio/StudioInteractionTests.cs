using AngleSharp.Dom;
using BlazorCutout.Providers;
using BlazorCutout.Providers.GptGe;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Studio;
using BlazorCutout.Web.Tasks;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BlazorCutout.Web.Tests.Studio;

/// <summary>The Studio's parts as a user works them: clicking tiles and thumbnails, typing a prompt, picking a number.</summary>
public sealed class StudioInteractionTests
{
    [Fact]
    public async Task Clicking_the_picker_selects_an_available_provider_and_an_unavailable_one_only_says_why()
    {
        var tasks = new FakeTaskService();
        tasks.Choices.Add(new(FakeTaskService.Remote("hitpaw", "HitPaw"), IsAvailable: true, UnavailableReason: null, IsDefault: false));
        await using var renderer = new StudioRenderer(tasks);
        var chosen = new List<string>();
        var picker = renderer.Render<ProviderPicker>(new Dictionary<string, object?>
        {
            [nameof(ProviderPicker.Providers)] = tasks.Choices,
            [nameof(ProviderPicker.SelectedId)] = "local",
            [nameof(ProviderPicker.SelectedIdChanged)] = EventCallback.Factory.Create<string>(this, chosen.Add),
        });

        var picwish = picker.Find("[data-testid=provider-picwish]");
        Assert.True(picwish.HasAttribute("disabled"));
        Assert.Equal("PicWish needs an API key: set Providers:PicWish:ApiKey.", picwish.QuerySelector("[data-testid=provider-reason]")!.TextContent);
        Assert.Null(picker.Find("[data-testid=provider-hitpaw]").QuerySelector("[data-testid=provider-reason]")); // available: no reason to give

        picker.Find("[data-testid=provider-hitpaw]").Click();

        Assert.Equal(["hitpaw"], chosen);
        Assert.Equal("true", picker.Find("[data-testid=provider-hitpaw]").GetAttribute("aria-checked"));
        Assert.Equal("false", picker.Find("[data-testid=provider-local]").GetAttribute("aria-checked"));
    }

    [Fact]
    public async Task Typing_a_background_prompt_counts_its_characters_and_says_what_is_wrong_until_it_fits()
    {
        await using var renderer = WithGptGe();
        var studio = NewBackgroundStudio(renderer);

        Assert.Equal("Describe the background to generate.", studio.Find("[data-testid=background-prompt-problem]").TextContent);
        Assert.Equal("0 / 1024", studio.Find("[data-testid=background-prompt-count]").TextContent);

        studio.Find("textarea").Input(new string('a', 1030));
        Assert.Equal("1030 / 1024", studio.Find("[data-testid=background-prompt-count]").TextContent);
        Assert.Equal("The background prompt is longer than 1024 characters.", studio.Find("[data-testid=background-prompt-problem]").TextContent);
        Assert.Contains("is-over", studio.Find("[data-testid=background-prompt-count]").ClassName);

        studio.Find("textarea").Input("  a sunny beach at golden hour  ");
        Assert.Equal("28 / 1024", studio.Find("[data-testid=background-prompt-count]").TextContent); // what is sent: trimmed
        Assert.Equal("", studio.Find("[data-testid=background-prompt-problem]").TextContent);
        Assert.DoesNotContain("is-over", studio.Find("[data-testid=background-prompt-count]").ClassName);
    }

    [Fact]
    public async Task Picking_how_many_backgrounds_to_generate_updates_the_price_on_the_form_and_on_the_tile()
    {
        await using var renderer = WithGptGe();
        var studio = NewBackgroundStudio(renderer);
        var single = studio.Find("[data-testid=batch-price]").TextContent;

        ButtonNamed(studio.Find("[data-testid=batch-size]"), "3").Click();

        var price = studio.Find("[data-testid=batch-price]").TextContent;
        Assert.NotEqual(single, price);
        Assert.EndsWith("per photo sent (3 results)", price);
        Assert.Contains(price, studio.Find("[data-testid=provider-gptge]").TextContent);
    }

    [Fact]
    public async Task The_result_view_switches_its_download_to_the_result_shown_and_the_mask_toggle_shows_the_mask()
    {
        await using var renderer = new StudioRenderer();
        var images = new[] { FakeTaskService.Asset(TaskAssetRole.Result), FakeTaskService.Asset(TaskAssetRole.Result), FakeTaskService.Asset(TaskAssetRole.Result) };
        var batch = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: false) with { Operation = ProviderOperation.GenerateBackground, Results = images };
        var view = renderer.Render<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = batch });

        Assert.Equal(images[0].DownloadUrl, view.Find("[data-testid=download-result]").GetAttribute("href"));
        Assert.Contains("Image 1", view.Find("[data-testid=download-result]").TextContent);

        view.FindAll("[data-testid=result-thumb]")[1].Click();

        Assert.Equal(images[1].DownloadUrl, view.Find("[data-testid=download-result]").GetAttribute("href"));
        Assert.Contains("Image 2", view.Find("[data-testid=download-result]").TextContent);
        Assert.Equal(images[1].Url, view.Find("[data-testid=viewer-after]").GetAttribute("src"));
        Assert.Equal(["false", "true", "false"], view.FindAll("[data-testid=result-choice]").Select(c => c.GetAttribute("data-shown")));
        Assert.Equal(images.Select(i => i.DownloadUrl), view.FindAll("[data-testid=result-download]").Select(a => a.GetAttribute("href")));

        var single = FakeTaskService.Task(CutoutTaskState.Succeeded, withMask: true);
        var (result, mask) = (single.Results[0], single.Results[1]);
        view = renderer.Render<TaskResultView>(new Dictionary<string, object?> { [nameof(TaskResultView.Task)] = single });
        Assert.Equal(result.DownloadUrl, view.Find("[data-testid=download-result]").GetAttribute("href"));
        Assert.Equal(mask.DownloadUrl, view.Find("[data-testid=download-mask]").GetAttribute("href"));
        Assert.Equal(result.Url, view.Find("[data-testid=viewer-after]").GetAttribute("src"));

        CheckBox(view.Find("[data-testid=mask-toggle]")).Change(true);

        Assert.Equal(mask.Url, view.Find("[data-testid=viewer-after]").GetAttribute("src"));
        Assert.Equal("Mask", view.Find("[data-testid=viewer-after]").GetAttribute("alt"));
    }

    private static StudioRenderer WithGptGe()
    {
        var tasks = new FakeTaskService();
        tasks.Choices.Add(new(GptGeProvider.BuildDescriptor(new GptGeOptions()), IsAvailable: true, UnavailableReason: null, IsDefault: false));
        return new StudioRenderer(tasks);
    }

    /// <summary>The Studio with gpt.ge picked and its "New background" mode chosen, both by clicking.</summary>
    private static IRenderedComponent<StudioPage> NewBackgroundStudio(StudioRenderer renderer)
    {
        var studio = renderer.Render<StudioPage>();
        studio.Find("[data-testid=provider-gptge]").Click();
        ButtonNamed(studio, "New background").Click();
        return studio;
    }

    /// <summary>The button whose visible text is <paramref name="text"/>.</summary>

    internal static IElement ButtonNamed<T>(IRenderedComponent<T> root, string text) where T : IComponent =>
        root.FindAll("button").FirstOrDefault(b => b.TextContent.Trim() == text) ?? throw new InvalidOperationException($"no button “{text}”");

    internal static IElement ButtonNamed(IElement root, string text) =>
        root.QuerySelectorAll("button").FirstOrDefault(b => b.TextContent.Trim() == text) ?? throw new InvalidOperationException($"no button “{text}”");

    /// <summary>The check box input of a MudBlazor check box or switch, wherever its test id landed.</summary>
    internal static IElement CheckBox(IElement marked) =>
        marked is { TagName: "INPUT" } ? marked : marked.QuerySelector("input[type=checkbox]") ?? throw new InvalidOperationException("no check box");
}
