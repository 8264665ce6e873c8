using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>What a task cost: reported by the service, estimated from the price table, or unknown (no price set).</summary>
/// <param name="Unpriced">
/// The service charges for this but neither reported it nor has a configured price: the amount (0) is not a price, and
/// the row is kept apart in every total. Unpriced is not free.
/// </param>
internal sealed record TaskCost(ProviderCost Cost, bool Estimated, bool Unpriced = false);

/// <summary>What a finished (or abandoned) task cost, and its entry in the cost ledger.</summary>
internal static class TaskCosts
{
    public static TaskCost Of(ProviderPoll.Done done, TaskRecord t, ProviderDescriptor d) =>
        done.ReportedCost is { } reported ? new(reported, false) : WithoutFinalReport(t, d);

    /// <summary>What the provider said at acceptance, else the price table's estimate, else "price not set".</summary>
    public static TaskCost WithoutFinalReport(TaskRecord t, ProviderDescriptor d)
    {
        if (t.AcceptedCostAmount is { } amount) return new(new ProviderCost(amount, t.AcceptedCostUnit ?? d.Prices.Unit), false);
        return new(Estimate(d, t.Operation, TaskRecords.DeserializeOptions(t.OptionsJson)), true, Unpriced: !d.IsFree && !d.Prices.Prices.ContainsKey(t.Operation));
    }

    /// <summary>The price table's figure for a job: what a budget reserves before submission (HitPaw, which reports its coins only after, included).</summary>
    public static ProviderCost Estimate(ProviderDescriptor d, ProviderOperation operation, JobOptions options) =>
        d.Prices.Estimate(operation, operation == ProviderOperation.GenerateBackground ? options.BatchSize : 1);

    /// <summary>Sets the task's cost and adds its ledger entry to <paramref name="db"/>; saved with the task's state change.</summary>
    public static void Record(AppDbContext db, TaskRecord t, TaskCost cost, DateTimeOffset at)
    {
        t.CostAmount = cost.Cost.Amount;
        t.CostUnit = cost.Cost.Unit;
        t.CostEstimated = cost.Estimated;
        t.CostUnpriced = cost.Unpriced;
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
            Unpriced = cost.Unpriced,
            Day = DateOnly.FromDateTime(at.UtcDateTime),
            RecordedUtc = at.UtcDateTime,
        });
    }
}
