using BlazorCutout.Engine;
using System.Collections.Concurrent;
using BlazorCutout.Providers;

namespace BlazorCutout.Web.Tests.Tasks.Support;

/// <summary>
/// A test double of <see cref="ICutoutProvider"/> (the provider contract, not our code): by default an asynchronous
/// service that accepts, reports progress until <see cref="Finish"/> is called, then returns one PNG. Every behaviour
/// can be scripted, and calls are counted so tests can prove a job was submitted exactly once.
/// </summary>
public sealed class ScriptedProvider : ICutoutProvider
{
    private int _submits;
    private int _polls;
    private volatile bool _finished;
    private readonly ConcurrentQueue<ProviderJob> _jobs = new();
    private readonly List<(int Polls, TaskCompletionSource Done)> _pollWaiters = [];

    public ScriptedProvider(
        string id,
        bool synchronous = false,
        TimeSpan? deadline = null,
        ProviderInputs inputs = ProviderInputs.File,
        PriceTable? prices = null,
        int concurrency = 8,
        int maxPixelsPerSide = 4096,
        IReadOnlySet<OutputKind>? outputs = null,
        long maxBytes = 20L * 1024 * 1024,
        long? maxBytesByUrl = null)
    {
        Descriptor = new ProviderDescriptor
        {
            Id = id,
            DisplayName = "Scripted " + id,
            Operations = new HashSet<ProviderOperation> { ProviderOperation.RemoveBackground },
            Inputs = inputs,
            Options = outputs is null ? new SupportedOptions() : new SupportedOptions { Outputs = outputs },
            Limits = new ProviderLimits { MaxBytes = maxBytes, MaxBytesByUrl = maxBytesByUrl, MaxPixelsPerSide = maxPixelsPerSide, AcceptedFormats = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "png", "jpeg", "webp" } },
            Rate = ProviderRate.Unlimited(concurrency),
            Polling = synchronous ? PollCadence.None
                : new PollCadence(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10), 1.5, TimeSpan.FromMilliseconds(40), deadline ?? TimeSpan.FromMinutes(10)),
            Prices = prices ?? new PriceTable("coins", new Dictionary<ProviderOperation, OperationPrice>
            {
                [ProviderOperation.RemoveBackground] = new(PerImage: 2m),
            }),
            IsSynchronous = synchronous,
        };
    }

    public ProviderDescriptor Descriptor { get; }

    public ProviderAvailability Availability { get; set; } = ProviderAvailability.Available;

    /// <summary>(job, 1-based call number) → answer; may throw <see cref="ProviderException"/>. Null: the default behaviour.</summary>
    public Func<ProviderJob, int, CancellationToken, Task<ProviderSubmission>>? OnSubmit { get; set; }

    /// <summary>(provider task id, 1-based call number) → answer; may throw. Null: progress until <see cref="Finish"/>, then done.</summary>
    public Func<string, int, ProviderPoll>? OnPoll { get; set; }

    public ProviderCost? ReportedCost { get; set; }

    public byte[] ResultBytes { get; set; } = TestImages.Result;

    public int SubmitCalls => Volatile.Read(ref _submits);
    public int PollCalls => Volatile.Read(ref _polls);
    public IReadOnlyList<ProviderJob> Jobs => _jobs.ToList();

    public void Finish() => _finished = true;

    public ProviderPoll.Done Done() =>
        new([new ResultReference.Inline(ResultRole.Image, 0, ResultBytes, "image/png")], ReportedCost);

    public ProviderAvailability GetAvailability() => Availability;

    public async Task<ProviderSubmission> SubmitAsync(ProviderJob job, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _submits);
        _jobs.Enqueue(job);
        if (OnSubmit is not null) return await OnSubmit(job, n, cancellationToken);
        return Descriptor.IsSynchronous ? new ProviderSubmission.Completed(Done()) : new ProviderSubmission.Accepted($"job-{n}");
    }

    public Task<ProviderPoll> PollAsync(string providerTaskId, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _polls);
        try
        {
            var answer = OnPoll is not null ? OnPoll(providerTaskId, n)
                : _finished ? Done()
                : new ProviderPoll.Progress(Math.Min(90, 10 * n));
            return Task.FromResult(answer);
        }
        finally
        {
            lock (_pollWaiters)
            {
                foreach (var w in _pollWaiters.Where(w => n >= w.Polls).ToList())
                {
                    w.Done.TrySetResult();
                    _pollWaiters.Remove(w);
                }
            }
        }
    }

    /// <summary>Completes once the provider has been polled at least <paramref name="count"/> times.</summary>
    public Task WaitForPollsAsync(int count)
    {
        lock (_pollWaiters)
        {
            if (PollCalls >= count) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pollWaiters.Add((count, done));
            return done.Task.WaitAsync(TaskEventLog.Patience);
        }
    }

    public Task<DownloadedContent> FetchAsync(ResultReference result, CancellationToken cancellationToken) =>
        ResultFetcher.FetchAsync(result, downloader: null, Descriptor.Limits.MaxBytes, cancellationToken);
}

public static class TestImages
{
    private static readonly Lazy<byte[]> s_source = new(() => File.ReadAllBytes(RepoPaths.TestImage("chelsea.png")));

    /// <summary>A real PNG photo (451x300) from the repository's test images.</summary>
    public static byte[] Source => s_source.Value;

    /// <summary>What scripted providers return: also a real PNG, so the stored result has dimensions.</summary>
    public static byte[] Result => s_source.Value;
}
