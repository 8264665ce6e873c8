using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// Test controls under <c>/_emulator</c> (no auth, never rate-limited, not logged):
/// <c>POST next-error?trigger=NAME[&amp;scope=create|poll|any][&amp;count=1]</c>, <c>POST expire-results</c>,
/// <c>POST coins?balance=N</c> (empty = unlimited), <c>POST rate?rps=N</c>, <c>POST reset</c>,
/// <c>GET requests</c> (the request log), <c>GET callbacks</c>, <c>GET health</c>.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app, ServiceEmulator emulator)
    {
        var g = app.MapGroup("/_emulator");
        g.MapGet("/health", () => Results.Ok(new { emulator = emulator.Name, status = "ok" }));
        g.MapPost("/next-error", (string trigger, string? scope, int? count) =>
        {
            emulator.Triggers.Enqueue(trigger, scope, count ?? 1);
            return Results.Ok(new { queued = trigger, scope = scope ?? "any", count = count ?? 1 });
        });
        g.MapPost("/expire-results", () =>
        {
            emulator.ResultFiles.ExpireAll();
            return Results.Ok(new { expired = emulator.ResultFiles.Files.Count });
        });
        g.MapPost("/coins", (string? balance) =>
        {
            emulator.Coins.Set(string.IsNullOrEmpty(balance) ? null : long.Parse(balance, CultureInfo.InvariantCulture));
            return Results.Ok(new { balance = emulator.Coins.Remaining });
        });
        g.MapPost("/rate", (double rps) =>
        {
            emulator.RateGate.RequestsPerSecond = rps;
            return Results.Ok(new { rps });
        });
        g.MapPost("/reset", () =>
        {
            emulator.Reset();
            return Results.Ok();
        });
        g.MapGet("/requests", () => Results.Ok(emulator.Log.Entries.Select(e => new
        {
            e.At, e.Method, e.Path, e.Query, e.Headers, e.Form, e.Files, e.Body, e.Status, Notes = e.Notes.ToArray(),
        })));
        g.MapGet("/callbacks", () => Results.Ok(emulator.Callbacks.Deliveries));
    }
}
