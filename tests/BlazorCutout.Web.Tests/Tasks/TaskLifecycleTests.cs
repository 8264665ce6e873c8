using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Tasks.Worker;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tests.Tasks.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Tasks;

/// <summary>Restart, cancel, retry, deadline and transient failures, with test-double providers.</summary>
public sealed class TaskLifecycleTests
{
    // Far longer than any test waits: a task under such a lease is only resumed if its lease is taken back, not waited out.
    private const string TenMinuteLease = "00:10:00";

    private static NewTaskRequest Request(string providerId, string fileName = "photo.png") =>
        new(providerId, ProviderOperation.RemoveBackground, new JobOptions(), new IncomingImage(fileName, "image/png", TestImages.Source));

    [Fact]
    public async Task A_task_processing_when_the_host_stops_completes_once_after_a_restart_without_being_resubmitted()
    {
        var provider = new ScriptedProvider("slow-service");
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            string userId;
            Guid taskId;
            await using (var first = new TasksApp(dataDirectory).WithProvider(provider))
            {
                userId = await first.CreateUserAsync();
                using var events = new TaskEventLog(first.Events, userId);
                taskId = (await first.Tasks.SubmitAsync(userId, Request("slow-service"))).Id;
                await events.WaitForAsync(taskId, CutoutTaskState.Processing);
                await provider.WaitForPollsAsync(2);
            } // the host stops here, with the task accepted and still processing

            var pollsBeforeRestart = provider.PollCalls;
            await using var second = new TasksApp(dataDirectory).WithProvider(provider);
            var stopped = await second.TaskRowAsync(taskId); // Services starts the second host
            Assert.Equal(CutoutTaskState.Processing, stopped.State);
            Assert.Equal("job-1", stopped.ProviderTaskId);

            using var after = new TaskEventLog(second.Events, userId);
            provider.Finish();
            var final = await after.WaitForFinalAsync(taskId);

            Assert.Equal(CutoutTaskState.Succeeded, final.State);
            Assert.Equal(1, provider.SubmitCalls);
            Assert.True(provider.PollCalls > pollsBeforeRestart);
            Assert.Single(after.For(taskId), e => e.State == CutoutTaskState.Succeeded);
            var cost = Assert.Single(await second.CostEntriesAsync(taskId));
            Assert.Equal(2m, cost.Amount);
            Assert.True(cost.Estimated); // from the configured price table: the service reported nothing
            var view = await second.Tasks.GetAsync(userId, taskId);
            Assert.Equal(2m, view!.Cost);
            Assert.Single(view.Results);
            var row = await second.TaskRowAsync(taskId);
            Assert.Null(row.LeaseOwner);
            Assert.Equal(1, row.Attempts);
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task A_crashed_workers_lease_expires_and_an_accepted_submission_resumes_as_processing()
    {
        var provider = new ScriptedProvider("resumable");
        provider.Finish();
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            string userId;
            Guid accepted, notAccepted;
            // First run (no worker): two tasks left as a worker that crashed mid-submission would leave them, still leased.
            await using (var crashed = new TasksApp(dataDirectory).WithSetting("BlazorCutout:Tasks:RunWorker", "false").WithProvider(provider))
            {
                userId = await crashed.CreateUserAsync();
                accepted = await LeaveAsCrashedAsync(crashed, userId, "resumable", providerTaskId: "remote-42");
                notAccepted = await LeaveAsCrashedAsync(crashed, userId, "resumable", providerTaskId: null);
            }

            // The worker may finish before a subscriber could attach, so this test reads the rows.
            await using var app = new TasksApp(dataDirectory).WithProvider(provider);

            Assert.Equal(CutoutTaskState.Succeeded, (await app.WaitForFinalRowAsync(accepted)).State);
            var failed = await app.WaitForFinalRowAsync(notAccepted);

            Assert.Equal(CutoutTaskState.Failed, failed.State);
            Assert.Contains("not sent again", failed.ErrorMessage);
            Assert.Equal(0, provider.SubmitCalls); // neither was ever resubmitted
            Assert.True(provider.PollCalls >= 1); // the accepted one was polled with its stored id
            Assert.Single(await app.CostEntriesAsync(accepted));
            Assert.Empty(await app.CostEntriesAsync(notAccepted));
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task A_restarted_instance_takes_back_its_own_leases_at_once_and_leaves_another_workers_live_lease_alone()
    {
        var ours = new ScriptedProvider("own-work");
        ours.Finish();
        var theirs = new ScriptedProvider("foreign-work");
        theirs.Finish();
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            string before;
            await using (var first = new TasksApp(dataDirectory).WithSetting("BlazorCutout:Tasks:LeaseDuration", TenMinuteLease).WithProvider(ours).WithProvider(theirs))
                before = WorkerId(first);

            // What that run's death leaves: its leases, still good for ten minutes, and one held by a worker elsewhere.
            string userId;
            Guid accepted, notAccepted, foreign;
            var leftUntil = DateTimeOffset.UtcNow.AddMinutes(10);
            await using (var crashed = new TasksApp(dataDirectory).WithSetting("BlazorCutout:Tasks:RunWorker", "false").WithProvider(ours).WithProvider(theirs))
            {
                userId = await crashed.CreateUserAsync();
                accepted = await LeaveAsCrashedAsync(crashed, userId, "own-work", providerTaskId: "remote-7", before, leftUntil);
                notAccepted = await LeaveAsCrashedAsync(crashed, userId, "own-work", providerTaskId: null, before, leftUntil);
                foreign = await LeaveAsCrashedAsync(crashed, userId, "foreign-work", providerTaskId: "remote-8", "w-0123456789ab", leftUntil);
            }

            await using var again = new TasksApp(dataDirectory).WithSetting("BlazorCutout:Tasks:LeaseDuration", TenMinuteLease).WithProvider(ours).WithProvider(theirs);

            Assert.Equal(before, WorkerId(again));
            Assert.Equal(CutoutTaskState.Succeeded, (await again.WaitForFinalRowAsync(accepted)).State);
            var failed = await again.WaitForFinalRowAsync(notAccepted);
            Assert.Equal(CutoutTaskState.Failed, failed.State);
            Assert.Contains("not sent again", failed.ErrorMessage);
            Assert.Equal(0, ours.SubmitCalls); // taken back with the usual safety: polled by its saved id, never resubmitted
            Assert.True(ours.PollCalls >= 1);
            Assert.Single(await again.CostEntriesAsync(accepted));

            // The claims that took ours back saw the foreign task too (due, its provider idle) and left it to its owner.
            var held = await again.TaskRowAsync(foreign);
            Assert.Equal((CutoutTaskState.Submitting, "w-0123456789ab", leftUntil.ToUnixTimeMilliseconds()), (held.State, held.LeaseOwner, held.LeaseUntilMs));
            Assert.Equal(0, theirs.PollCalls);
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task A_second_live_instance_on_the_same_data_directory_gets_its_own_identity_and_does_not_take_the_first_ones_lease()
    {
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new ScriptedProvider("slow-submit");
        slow.Finish();
        slow.OnSubmit = async (_, n, _) =>
        {
            sending.TrySetResult();
            await release.Task; // the first instance is mid-submission, holding the lease, while the second one starts
            return new ProviderSubmission.Accepted($"job-{n}");
        };
        var quick = new ScriptedProvider("quick");
        quick.Finish();
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            string firstId, secondId;
            // "quick" exists only on the second instance, so only its worker can run a task there.
            await using (var first = new TasksApp(dataDirectory).WithSetting("BlazorCutout:Tasks:LeaseDuration", TenMinuteLease).WithProvider(slow))
            {
                firstId = WorkerId(first);
                var userId = await first.CreateUserAsync();
                using var events = new TaskEventLog(first.Events, userId);
                var held = (await first.Tasks.SubmitAsync(userId, Request("slow-submit"))).Id;
                await sending.Task.WaitAsync(TaskEventLog.Patience);

                await using (var second = new TasksApp(dataDirectory).WithSetting("BlazorCutout:Tasks:LeaseDuration", TenMinuteLease).WithProvider(slow).WithProvider(quick))
                {
                    secondId = WorkerId(second);
                    Assert.NotEqual(firstId, secondId);
                    // Finishing it proves the second worker ran its claims, which also saw the held task (its provider
                    // idle there) and left it to the first.
                    var other = (await second.Tasks.SubmitAsync(userId, Request("quick"))).Id;
                    Assert.Equal(CutoutTaskState.Succeeded, (await second.WaitForFinalRowAsync(other)).State);

                    var row = await second.TaskRowAsync(held);
                    Assert.Equal((CutoutTaskState.Submitting, firstId), (row.State, row.LeaseOwner));
                    Assert.Equal(1, slow.SubmitCalls);
                }

                release.SetResult();
                Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(held)).State);
                Assert.Equal(1, slow.SubmitCalls);
            }

            // Both stopped: the next start on this directory is the first instance again.
            await using var later = new TasksApp(dataDirectory).WithProvider(slow);
            Assert.Equal(firstId, WorkerId(later));
        }
        finally
        {
            release.TrySetResult();
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Theory]
    [InlineData(null, 2.0, true)]   // nothing reported: the price table's estimate (2 coins per image)
    [InlineData(5.0, 5.0, false)]   // reported when the provider accepted the job (HitPaw's consume_coins)
    public async Task Canceling_a_task_the_provider_accepted_stops_it_and_records_the_charge_once(double? reportedAtAcceptance, double amount, bool estimated)
    {
        var provider = new ScriptedProvider("never-done");
        if (reportedAtAcceptance is { } r)
            provider.OnSubmit = (_, n, _) => Task.FromResult<ProviderSubmission>(new ProviderSubmission.Accepted($"job-{n}", new ProviderCost((decimal)r, "coins")));
        await using var app = new TasksApp().WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var taskId = (await app.Tasks.SubmitAsync(userId, Request("never-done"))).Id;
        await events.WaitForAsync(taskId, CutoutTaskState.Processing);

        Assert.True(await app.Tasks.CancelAsync(userId, taskId));
        var final = await events.WaitForFinalAsync(taskId);

        Assert.Equal(CutoutTaskState.Canceled, final.State);
        var charge = Assert.Single(await app.CostEntriesAsync(taskId));
        Assert.Equal(((decimal)amount, "coins", estimated), (charge.Amount, charge.Unit, charge.Estimated));
        Assert.False(await app.Tasks.CancelAsync(userId, taskId)); // already final
        var row = await app.TaskRowAsync(taskId);
        Assert.Null(row.LeaseOwner);
        Assert.Equal(((decimal?)amount, estimated), (row.CostAmount, row.CostEstimated));
        Assert.Equal(1, provider.SubmitCalls);
    }

    [Fact]
    public async Task Canceling_a_queued_task_ends_it_before_anything_is_sent()
    {
        var provider = new ScriptedProvider("idle");
        await using var app = new TasksApp().WithSetting("BlazorCutout:Tasks:RunWorker", "false").WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var taskId = (await app.Tasks.SubmitAsync(userId, Request("idle"))).Id;

        Assert.True(await app.Tasks.CancelAsync(userId, taskId));

        Assert.Equal(CutoutTaskState.Canceled, (await events.WaitForFinalAsync(taskId)).State);
        Assert.Equal(CutoutTaskState.Canceled, (await app.TaskRowAsync(taskId)).State);
        Assert.Equal(0, provider.SubmitCalls);
        Assert.Empty(await app.CostEntriesAsync(taskId));
    }

    [Fact]
    public async Task A_failed_task_shows_the_reason_and_a_retry_queues_a_new_task_from_the_same_source()
    {
        var provider = new ScriptedProvider("picky");
        provider.OnPoll = (_, _) => new ProviderPoll.Failed(ProviderErrorCode.ContentRejected, "No subject was found in the image.", Retryable: true);
        await using var app = new TasksApp().WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var original = await app.Tasks.SubmitAsync(userId, Request("picky"));

        var failed = await events.WaitForFinalAsync(original.Id);
        Assert.Equal(CutoutTaskState.Failed, failed.State);
        Assert.Equal("No subject was found in the image.", failed.ErrorMessage);
        var failedView = await app.Tasks.GetAsync(userId, original.Id);
        Assert.Equal(nameof(ProviderErrorCode.ContentRejected), failedView!.ErrorCode);

        provider.OnPoll = null;
        provider.Finish();
        var retry = await app.Tasks.RetryAsync(userId, original.Id);

        Assert.NotNull(retry);
        Assert.NotEqual(original.Id, retry.Id);
        Assert.Equal(original.Id, retry.RetryOf);
        Assert.Equal(original.Source.Id, retry.Source.Id);
        Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(retry.Id)).State);
        Assert.Equal(2, provider.SubmitCalls);

        // Deleting the original keeps the shared source for the retry.
        Assert.True(await app.Tasks.DeleteAsync(userId, original.Id));
        Assert.Null(await app.Tasks.GetAsync(userId, original.Id));
        var kept = await app.Tasks.GetAsync(userId, retry.Id);
        Assert.Equal(original.Source.Id, kept!.Source.Id);
        Assert.Equal(1, await app.DbAsync(db => db.Assets.CountAsync(a => a.Id == original.Source.Id)));
    }

    [Fact]
    public async Task A_task_whose_provider_was_removed_fails_at_start_up_with_a_reason_instead_of_waiting_for_ever()
    {
        var provider = new ScriptedProvider("retired-service");
        var dataDirectory = TasksApp.NewDataDirectory();
        try
        {
            string userId;
            Guid taskId;
            await using (var first = new TasksApp(dataDirectory).WithProvider(provider))
            {
                userId = await first.CreateUserAsync();
                using var events = new TaskEventLog(first.Events, userId);
                taskId = (await first.Tasks.SubmitAsync(userId, Request("retired-service"))).Id;
                await events.WaitForAsync(taskId, CutoutTaskState.Processing);
            } // the host stops with the task accepted; the provider is then taken out of configuration

            await using var second = new TasksApp(dataDirectory);
            var row = await second.WaitForFinalRowAsync(taskId);

            Assert.Equal(CutoutTaskState.Failed, row.State);
            Assert.Equal(nameof(ProviderErrorCode.UnknownProvider), row.ErrorCode);
            Assert.Contains("retired-service", row.ErrorMessage);
            Assert.Contains("retry with another provider", row.ErrorMessage);
            Assert.Empty(await second.CostEntriesAsync(taskId));
        }
        finally
        {
            TasksApp.DeleteDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task A_provider_that_never_finishes_fails_at_its_deadline_with_a_clear_reason()
    {
        var provider = new ScriptedProvider("stuck", deadline: TimeSpan.FromSeconds(2)); // long enough that a loaded machine still polls before it
        await using var app = new TasksApp().WithProvider(provider);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);
        var taskId = (await app.Tasks.SubmitAsync(userId, Request("stuck"))).Id;

        var final = await events.WaitForFinalAsync(taskId);

        Assert.Equal(CutoutTaskState.Failed, final.State);
        Assert.Contains("did not finish within", final.ErrorMessage);
        Assert.Equal(nameof(ProviderErrorCode.Timeout), (await app.TaskRowAsync(taskId)).ErrorCode);
        Assert.True(provider.PollCalls >= 1);
        Assert.Equal(1, provider.SubmitCalls);
        Assert.Empty(await app.CostEntriesAsync(taskId));
    }

    [Fact]
    public async Task A_submission_the_provider_certainly_refused_is_retried_but_an_ambiguous_one_is_not()
    {
        var busy = new ScriptedProvider("busy-then-ok");
        busy.Finish();
        busy.ReportedCost = new ProviderCost(3m, "coins");
        busy.OnSubmit = (_, n, _) => n == 1
            ? throw new ProviderException(ProviderErrorCode.RateLimited, "Too many requests.", isTransient: true, retryAfter: TimeSpan.FromMilliseconds(10))
            : Task.FromResult<ProviderSubmission>(new ProviderSubmission.Accepted("ok-" + n));
        var flaky = new ScriptedProvider("flaky");
        flaky.OnSubmit = (_, _, _) => throw new ProviderException(ProviderErrorCode.ServerError, "The service had an error (HTTP 502).", isTransient: true);
        await using var app = new TasksApp().WithProvider(busy).WithProvider(flaky);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);

        var retried = (await app.Tasks.SubmitAsync(userId, Request("busy-then-ok"))).Id;
        var ambiguous = (await app.Tasks.SubmitAsync(userId, Request("flaky"))).Id;

        Assert.Equal(CutoutTaskState.Succeeded, (await events.WaitForFinalAsync(retried)).State);
        Assert.Equal(2, busy.SubmitCalls);
        var cost = Assert.Single(await app.CostEntriesAsync(retried));
        Assert.Equal((3m, false), (cost.Amount, cost.Estimated)); // what the service reported

        var failed = await events.WaitForFinalAsync(ambiguous);
        Assert.Equal(CutoutTaskState.Failed, failed.State);
        Assert.Contains("not sent again", failed.ErrorMessage);
        Assert.Equal(1, flaky.SubmitCalls);
    }

    [Fact]
    public async Task A_500_on_submit_fails_once_with_its_own_code_and_says_it_may_have_been_charged_without_promising_a_retry()
    {
        var flaky = new ScriptedProvider("flaky");
        // The provider's own words for a 500, as PicWish's client words it.
        flaky.OnSubmit = (_, _, _) => throw new ProviderException(ProviderErrorCode.ServerError,
            "Sending the image failed: Scripted flaky had an internal error (HTTP 500); the task will be retried.", isTransient: true);
        await using var app = new TasksApp().WithProvider(flaky);
        var userId = await app.CreateUserAsync();
        using var events = new TaskEventLog(app.Events, userId);

        var id = (await app.Tasks.SubmitAsync(userId, Request("flaky"))).Id;
        var failed = await events.WaitForFinalAsync(id);
        var view = (await app.Tasks.GetAsync(userId, id))!;

        Assert.Equal(CutoutTaskState.Failed, failed.State);
        Assert.Equal(SubmitOutcomeUnknown.Code, view.ErrorCode);
        Assert.Equal(
            "Sending the image failed: Scripted flaky had an internal error (HTTP 500), so it is unknown whether Scripted flaky accepted the task. " +
            "Scripted flaky may have charged for it. It was not sent again automatically, to avoid paying twice. Retry sends it again, and it may be charged again.",
            view.ErrorMessage);
        Assert.DoesNotContain("will be retried", view.ErrorMessage);
        Assert.DoesNotContain("if no result arrives", view.ErrorMessage);
        Assert.Equal(1, flaky.SubmitCalls);
    }

    [Fact]
    public async Task A_full_or_unwritable_data_directory_is_reported_to_the_user_not_swallowed()
    {
        await using var app = new TasksApp();
        var userId = await app.CreateUserAsync();
        // Where the store wants its folder there is a file: every write fails (as root, chmod would not stop us).
        var assets = Path.Combine(app.DataDirectory, "assets");
        if (Directory.Exists(assets)) Directory.Delete(assets, recursive: true);
        await File.WriteAllTextAsync(assets, "in the way");

        var refused = await Assert.ThrowsAsync<TaskRejectedException>(() => app.Tasks.SubmitAsync(userId, Request("local")));

        Assert.Equal("StorageUnavailable", refused.Code);
        Assert.Contains("could not store the image", refused.Message);
        Assert.Equal(0, await app.DbAsync(db => db.Tasks.CountAsync()));
    }

    private static string WorkerId(TasksApp app) => app.Services.GetRequiredService<TaskWorker>().OwnerId;

    private static Task<Guid> LeaveAsCrashedAsync(TasksApp app, string userId, string providerId, string? providerTaskId) =>
        LeaveAsCrashedAsync(app, userId, providerId, providerTaskId, "w-crashed", DateTimeOffset.UtcNow.AddMilliseconds(300));

    private static async Task<Guid> LeaveAsCrashedAsync(
        TasksApp app, string userId, string providerId, string? providerTaskId, string leaseOwner, DateTimeOffset leaseUntil)
    {
        var queued = await app.Tasks.SubmitAsync(userId, Request(providerId));
        var now = DateTimeOffset.UtcNow;
        await app.DbAsync(async db =>
        {
            var row = await db.Tasks.SingleAsync(t => t.Id == queued.Id);
            row.State = CutoutTaskState.Submitting;
            row.ProviderTaskId = providerTaskId;
            row.Attempts = 1;
            row.SubmittedUtc = now.UtcDateTime;
            row.LeaseOwner = leaseOwner;
            row.LeaseUntilMs = leaseUntil.ToUnixTimeMilliseconds();
            return await db.SaveChangesAsync();
        });
        return queued.Id;
    }
}
