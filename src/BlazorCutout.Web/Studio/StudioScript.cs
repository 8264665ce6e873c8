using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace BlazorCutout.Web.Studio;

/// <summary>
/// The Studio's side of studio.js: the drop zone that queues picked, dropped and pasted files into the file input one
/// batch at a time, the in-browser inspection of chosen files, and the blob: previews it hands out (revoked on dispose).
/// </summary>
public sealed class StudioScript(IJSRuntime js, ILogger logger) : IAsyncDisposable
{
    private readonly List<string> blobUrls = [];
    private IJSObjectReference? module;
    private IJSObjectReference? dropHandle;
    private DotNetObjectReference<BatchAnnouncer>? announcer;
    private IJSObjectReference? keysHandle;
    private DotNetObjectReference<ResultKeys>? keys;

    /// <summary>
    /// Loads studio.js and wires the drop zone; false when the circuit is gone. <paramref name="given"/> hears of every
    /// batch (its number and file names) the moment it is dropped, pasted or picked, before it waits its turn to be read.
    /// With <paramref name="userId"/>, each batch is also kept as pending in the browser until it has been read
    /// (<see cref="PendingUploads"/>).
    /// </summary>
    public async Task<bool> AttachAsync(ElementReference workArea, ElementReference? fileInput, Func<int, string[], Task> given, string? userId = null)
    {
        try
        {
            module = await js.InvokeAsync<IJSObjectReference>("import", "./js/studio.js");
            if (module is not null && fileInput is { } input)
            {
                announcer = DotNetObjectReference.Create(new BatchAnnouncer(given));
                dropHandle = await module.InvokeAsync<IJSObjectReference>("attachDropZone", workArea, input, announcer,
                    string.IsNullOrEmpty(userId) ? null : PendingUploads.KeyFor(userId));
            }
            return true;
        }
        catch (Exception e) when (PageGone(e))
        {
            return false;
        }
        catch (JSException ex)
        {
            // The page left before the script ran (its elements are gone): a lost wiring, never a lost circuit.
            logger.LogDebug(ex, "The Studio's drop zone could not be attached.");
            return false;
        }
    }

    /// <summary>Wires the big result view's keys (arrows, D, Esc); <paramref name="pressed"/> hears "next", "previous" or "close".</summary>
    public async Task AttachResultKeysAsync(ElementReference workArea, Func<string, Task> pressed)
    {
        if (module is null)
            return;
        try
        {
            keys = DotNetObjectReference.Create(new ResultKeys(pressed));
            keysHandle = await module.InvokeAsync<IJSObjectReference>("attachResultKeys", workArea, keys);
        }
        catch (Exception e) when (PageGone(e))
        {
        }
        catch (JSException ex)
        {
            logger.LogDebug(ex, "The big view's keys could not be attached."); // the page's elements are gone
        }
    }

    /// <summary>Scrolls the big result view to the top of the window; gives it the focus when the user opened it.</summary>
    public async Task RevealAsync(ElementReference element, bool focus)
    {
        if (module is null)
            return;
        try
        {
            await module.InvokeVoidAsync("reveal", element, focus);
        }
        catch (Exception e) when (PageGone(e))
        {
        }
    }

    /// <summary>The user's removed cards, kept by studio.js; none when it could not be loaded.</summary>
    public DismissedTasks? Dismissed(string userId) => module is null ? null : new DismissedTasks(module, userId, logger);

    /// <summary>The user's drops not read to the end, kept by studio.js; none when it could not be loaded.</summary>
    public PendingUploads? Pending(string userId) => module is null ? null : new PendingUploads(module, userId, logger);

    public async Task<ClientImageFacts[]?> InspectAsync(ElementReference? input, int expected)
    {
        if (module is null || input is null)
            return null;
        try
        {
            var facts = await module.InvokeAsync<ClientImageFacts[]>("inspect", input.Value);
            foreach (var url in facts.Select(f => f.PreviewUrl).OfType<string>())
                blobUrls.Add(url);
            return facts.Length == expected ? facts : null; // the input changed meanwhile: let the server judge
        }
        catch (Exception ex) when (ex is JSException or TaskCanceledException)
        {
            logger.LogDebug(ex, "Inspecting the chosen files in the browser failed; the server checks them.");
            return null;
        }
    }

    /// <summary>The number studio.js gave the batch the input holds now (0 when unknown).</summary>
    public async Task<int> HandedBatchAsync(ElementReference? input)
    {
        if (module is null || input is null)
            return 0;
        try
        {
            return await module.InvokeAsync<int>("handedBatch", input.Value);
        }
        catch (Exception ex) when (ex is JSException or TaskCanceledException)
        {
            logger.LogDebug(ex, "Asking the browser which batch it handed over failed; the current settings apply.");
            return 0;
        }
    }

    /// <summary>Lets studio.js hand over the next queued batch, which makes the current IBrowserFiles unreadable.</summary>
    public async Task ReadyForNextBatchAsync()
    {
        if (dropHandle is null)
            return;
        try
        {
            await dropHandle.InvokeVoidAsync("next");
        }
        catch (Exception e) when (PageGone(e))
        {
        }
    }

    /// <summary>
    /// The page went away under a call: the circuit is gone, or the user navigated on while the call was on its way, so
    /// this module was disposed (on .NET 10 that is an ObjectDisposedException, which unhandled would end the circuit
    /// of the page the user went to).
    /// </summary>
    private static bool PageGone(Exception e) => e is JSDisconnectedException or ObjectDisposedException or TaskCanceledException;

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var handle in new[] { dropHandle, keysHandle })
            {
                if (handle is null)
                    continue;
                await handle.InvokeVoidAsync("dispose");
                await handle.DisposeAsync();
            }
            if (module is not null)
            {
                if (blobUrls.Count > 0)
                    await module.InvokeVoidAsync("revoke", blobUrls);
                await module.DisposeAsync();
            }
        }
        catch (Exception e) when (PageGone(e))
        {
        }
        finally
        {
            announcer?.Dispose();
            keys?.Dispose();
        }
    }

    /// <summary>studio.js's way in: a batch was just given.</summary>
    public sealed class BatchAnnouncer(Func<int, string[], Task> given)
    {
        [JSInvokable]
        public Task BatchGiven(int id, string[] names) => given(id, names);
    }

    /// <summary>studio.js's way in: a key of the big result view was pressed.</summary>
    public sealed class ResultKeys(Func<string, Task> pressed)
    {
        [JSInvokable]
        public Task Key(string key) => pressed(key);
    }
}
