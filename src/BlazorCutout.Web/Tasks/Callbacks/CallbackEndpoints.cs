using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks.Worker;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Tasks.Callbacks;

/// <summary>
/// <c>POST /callbacks/{taskId}/{token}</c>, anonymous: a provider says a task changed. The body is never read, let alone
/// trusted: the only effect is that a Processing task is polled now (its next poll time moves to now and the worker is
/// woken), and that poll decides. Idempotent: repeating it at most moves an already-due poll to now. A wrong token or an
/// unknown task answers 404, the same as any unknown URL.
/// </summary>
public static class CallbackEndpoints
{
    public static IEndpointRouteBuilder MapCallbackEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(CallbackUrls.PathPrefix + "{taskId:guid}/{token}", HandleAsync)
            .AllowAnonymous()
            .DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> HandleAsync(Guid taskId, string token, HttpContext http, CallbackUrls urls, IDbContextFactory<AppDbContext> dbFactory,
        SqliteWriteGate writeGate, TaskSignal signal, TimeProvider time, ILoggerFactory log, CancellationToken ct)
    {
        // A bare 404 for machines: the friendly status page would be re-executed as a POST and answer 400 instead.
        if (http.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        if (!urls.Verify(taskId, token)) return Results.NotFound();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var logger = log.CreateLogger(typeof(CallbackEndpoints));
        var state = await db.Tasks.Where(t => t.Id == taskId).Select(t => (CutoutTaskState?)t.State).FirstOrDefaultAsync(ct);
        if (state is null) return Results.NotFound(); // deleted since (the token was valid)
        if (state != CutoutTaskState.Processing)
        {
            logger.LogInformation("Callback for task {TaskId}: nothing to do ({State})", taskId, state);
            return Results.Ok();
        }
        // If this worker is polling it right now, that poll's answer may predate the callback: ask for one more.
        signal.RequestPoll(taskId);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        using (await writeGate.EnterAsync(ct))
            await db.Tasks
                .Where(t => t.Id == taskId && t.State == CutoutTaskState.Processing && t.DueAtMs > now)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.DueAtMs, now), ct);
        signal.Wake();
        logger.LogInformation("Callback for task {TaskId}: confirming poll requested", taskId);
        return Results.Ok();
    }
}
