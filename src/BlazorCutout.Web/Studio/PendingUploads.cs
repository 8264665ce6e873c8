using BlazorCutout.Web.Tasks;
using Microsoft.JSInterop;

namespace BlazorCutout.Web.Studio;

/// <summary>One drop (or pick, or paste) that studio.js was given and .NET had not finished reading when it was last seen.</summary>
/// <param name="Id">studio.js's own number for it, unique in this browser.</param>
/// <param name="At">When it was given, in the browser's milliseconds since 1970.</param>
public sealed record PendingBatch(string Id, string?[] Names, long At);

/// <summary>
/// The drops whose files were not all uploaded yet, kept by studio.js in the browser's localStorage (one key per user)
/// from the moment they are given until .NET has read every file. The Studio's cards live in the circuit: when the
/// server stops or the page is reloaded mid-upload they are gone, and so are the files' bytes, which only the browser
/// had. What is left here after such a break is how the next page load knows which files never arrived, so it can say
/// so on a card of their own (<see cref="InterruptedUploads"/>) instead of showing nothing, or "Checking…" for ever.
/// </summary>
public sealed class PendingUploads(IJSObjectReference module, string userId, ILogger logger)
{
    public static string KeyFor(string userId) => "blazorcutout.studio.pending." + userId;

    public string Key { get; } = KeyFor(userId);

    /// <summary>What is stored, without entries older than <paramref name="maxAge"/> (the browser's clock judges).</summary>
    public async Task<IReadOnlyList<PendingBatch>> LoadAsync(TimeSpan maxAge)
    {
        PendingBatch[] stored = [];
        await BestEffortAsync(async () => stored = await module.InvokeAsync<PendingBatch[]?>("readPending", Key, (long)maxAge.TotalMilliseconds) ?? []);
        return stored;
    }

    /// <summary>Replaces what is stored: the interrupted files still shown as cards, by <see cref="InterruptedUploads.Ref"/>.</summary>
    public Task KeepOnlyAsync(IEnumerable<string> refs) =>
        BestEffortAsync(() => module.InvokeVoidAsync("keepPending", Key, refs.ToArray()).AsTask());

    // Losing this list only loses the "upload interrupted" cards: never worth failing the page for.
    private async Task BestEffortAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or ObjectDisposedException or TaskCanceledException)
        {
            logger.LogDebug(ex, "The Studio's pending uploads could not be read or stored in the browser.");
        }
    }
}

/// <summary>The files of <see cref="PendingBatch"/>es that never became tasks: each one ends on a card of its own.</summary>
public static class InterruptedUploads
{
    public const string Message = "Upload interrupted, drop again.";

    /// <summary>
    /// How far the browser's clock may be ahead of the server's when a file's task is matched to its drop: a task created
    /// this long before the drop's time still counts as that file's upload.
    /// </summary>
    public static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(2);

    /// <summary>A file's name in the store: its drop and its place in it.</summary>
    public static string Ref(PendingBatch batch, int index) => $"{batch.Id}/{index}";

    /// <summary>
    /// The files of <paramref name="pending"/> with no task among <paramref name="recent"/> (the user's newest tasks): a
    /// file that did arrive (its task has its name and was created after its drop was given) is matched once, so the
    /// same name dropped twice needs two tasks.
    /// </summary>
    public static IReadOnlyList<(string Ref, string FileName)> Find(IEnumerable<PendingBatch> pending, IEnumerable<TaskView> recent)
    {
        var unmatched = recent.ToList();
        var interrupted = new List<(string, string)>();
        foreach (var batch in pending.OrderBy(b => b.At))
        {
            var since = DateTimeOffset.FromUnixTimeMilliseconds(batch.At) - ClockSlack;
            for (var i = 0; i < batch.Names.Length; i++)
            {
                if (batch.Names[i] is null)
                    continue; // its card was removed
                var arrived = unmatched.FindIndex(v => v.Source.FileName == batch.Names[i] && v.CreatedAt >= since);
                if (arrived >= 0)
                    unmatched.RemoveAt(arrived);
                else
                    interrupted.Add((Ref(batch, i), batch.Names[i]!));
            }
        }
        return interrupted;
    }
}
