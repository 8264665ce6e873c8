using BlazorCutout.Providers;
using BlazorCutout.Web.Admin.Providers;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Tasks.Support;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>Issue 8 item 5: a service that charges with no price known is "price not set", never "Free", and kept out of totals.</summary>
public sealed class UnpricedCostTests
{
    private static readonly PriceTable NoPrices = new("credits", new Dictionary<ProviderOperation, OperationPrice>());

    [Fact]
    public async Task A_task_of_a_provider_with_no_price_set_records_price_not_set_and_a_flagged_ledger_row()
    {
        var provider = new ScriptedProvider("unpriced", prices: NoPrices);
        provider.Finish();
        await using var app = new TasksApp().WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var request = new NewTaskRequest("unpriced", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("photo.png", "image/png", TestImages.Source));
        var taskId = (await app.Tasks.SubmitAsync(userId, request)).Id;

        Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(taskId)).State);
        var view = (await app.Tasks.GetAsync(userId, taskId))!;

        Assert.True(view.CostUnpriced);
        Assert.Equal("price not set", TaskText.Cost(view));
        var entry = Assert.Single(await app.CostEntriesAsync(taskId));
        Assert.True(entry.Unpriced);
    }

    [Fact]
    public async Task A_priced_task_is_not_flagged()
    {
        var provider = new ScriptedProvider("priced");
        provider.Finish();
        await using var app = new TasksApp().WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var request = new NewTaskRequest("priced", ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage("photo.png", "image/png", TestImages.Source));
        var taskId = (await app.Tasks.SubmitAsync(userId, request)).Id;

        Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(taskId)).State);
        var view = (await app.Tasks.GetAsync(userId, taskId))!;

        Assert.False(view.CostUnpriced);
        Assert.Equal("≈ 2 coins", TaskText.Cost(view));
        Assert.False(Assert.Single(await app.CostEntriesAsync(taskId)).Unpriced);
    }

    [Fact]
    public void The_picker_and_the_admin_page_say_price_not_set_only_where_it_is_so()
    {
        var unpriced = new ScriptedProvider("tengr-like", prices: NoPrices).Descriptor;
        var free = unpriced with { IsFree = true };
        var reported = unpriced with { ReportsCost = true };

        Assert.Equal("Price not set", TaskText.Price(unpriced, ProviderOperation.RemoveBackground));
        Assert.Equal("Free", TaskText.Price(free, ProviderOperation.RemoveBackground));
        Assert.StartsWith("No price is set for background removal: Scripted tengr-like charges for it", ProviderPrices.UnpricedNotice(unpriced));
        Assert.Null(ProviderPrices.UnpricedNotice(free));
        Assert.Null(ProviderPrices.UnpricedNotice(reported));
        Assert.Null(ProviderPrices.UnpricedNotice(new ScriptedProvider("priced").Descriptor));
    }
}
