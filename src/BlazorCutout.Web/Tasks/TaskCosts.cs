using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;

namespace BlazorCutout.Web.Tasks;

/// <summary>What a finished (or abandoned) task cost, and its entry in the cost ledger.</summary>
internal static class TaskCosts
{
    public static (ProviderCost Cost, bool Estimated) Of(ProviderPoll.Done done, TaskRecord t, ProviderDescriptor d) =>
        done.ReportedCost is { } reported ? (reported, false) : WithoutFinalReport(t, d);

    /// <summary>What the provider said at acceptance, else the price table's estimate.</summary>
    public static (ProviderCost Cost, bool Estimated) WithoutFinalReport(TaskRecord t, ProviderDescriptor d)
    {
        if (t.AcceptedCostAmount is { } amount) return (new ProviderCost(amount, t.AcceptedCostUnit ?? d.Prices.Unit), false);
        return (Estimate(d, t.Operation, TaskRecords.DeserializeOptions(t.OptionsJson)), true);
    }

    /// <summary>The price table's figure for a job: what a budget reserves before submission (HitPaw, which reports its coins only after, included).</summary>
    public static ProviderCost Estimate(ProviderDescriptor d, ProviderOperation operation, JobOptions options) =>
        d.Prices.Estimate(operation, operation == ProviderOperation.GenerateBackground ? options.BatchSize : 1);

    /// <summary>Sets the task's cost and adds its ledger entry to <paramref name="db"/>; saved with the task's state change.</summary>
    public static void Record(AppDbContext db, TaskRecord t, (ProviderCost Cost, bool Estimated) cost, DateTimeOffset at)
    {
        t.CostAmount = cost.Cost.Amount;
        t.CostUnit = cost.Cost.Unit;
        t.CostEstimated = cost.Estimated;
        db.CostEntries.Add(new CostEntry
        {
            TaskId = t.Id,
            UserId = t.OwnerId,
            TeamId = t.TeamId,
            ProviderId = t.ProviderId,
            Operation = t.Operation,
            Amount = cost.Cost.Amount,
            Unit = cost.Cost.Unit,
            Estimated = cost.Estimated,
            Day = DateOnly.FromDateTime(at.UtcDateTime),
            RecordedUtc = at.UtcDateTime,
        });
    }
}
