using BlazorCutout.Providers;
using Microsoft.AspNetCore.Diagnostics;

namespace BlazorCutout.Web.Tasks.Live;

/// <summary>
/// What may reach <c>/hubs/tasks</c> besides the cookie check:
/// <list type="bullet">
/// <item>Only negotiation and WebSocket upgrades. The hub offers WebSockets alone, so a plain GET or POST with a
/// connection's <c>?id=</c> (long polling, sends) can only be someone using a leaked id: it gets 404 and never reaches
/// the connection. A WebSocket is one request, authenticated once, and the hub joins it to that user's group.</item>
/// <item>Only this site's pages. Browsers send cookies with a WebSocket upgrade to any site and apply no CORS to it, so
/// a page elsewhere could open the hub with a visitor's cookie (cross-site WebSocket hijacking). A browser always names
/// the page's Origin: only this site's own (or the configured public address) may connect. Non-browser clients (the
/// .NET SignalR client, the bench) send none and are judged by their cookie alone.</item>
/// </list>
/// </summary>
public static class TaskHubGate
{
    public static IApplicationBuilder UseTaskHubGate(this IApplicationBuilder app)
    {
        var publicBase = PublicBaseUrlSetting.Read(app.ApplicationServices.GetRequiredService<IConfiguration>());
        // On Kestrel a request is known as a WebSocket upgrade (context.WebSockets) only behind the WebSocket
        // middleware; SignalR adds its own inside the hub's endpoint, which is too late for this gate. (The test server
        // sets the feature itself, so only a real server showed it: every upgrade got 404.)
        app.UseWebSockets();
        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!request.Path.StartsWithSegments(TaskHub.Path, out var rest))
            {
                await next(context);
                return;
            }
            var isNegotiation = rest.Equals("/negotiate", StringComparison.OrdinalIgnoreCase);
            if (!isNegotiation && !context.WebSockets.IsWebSocketRequest)
            {
                Refuse(context, StatusCodes.Status404NotFound);
                return;
            }
            if (request.Headers.Origin is { Count: > 0 } origin && !IsOwnOrigin(request, origin.ToString(), publicBase))
            {
                Refuse(context, StatusCodes.Status403Forbidden);
                return;
            }
            await next(context);
        });
    }

    // A bare status: the friendly status page would be re-executed with the same method and path rules.
    private static void Refuse(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
    }

    private static bool IsOwnOrigin(HttpRequest request, string origin, Uri? publicBase)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var given)) return false;
        return Uri.TryCreate($"{request.Scheme}://{request.Host.Value}", UriKind.Absolute, out var own) && SameOrigin(given, own)
            || publicBase is not null && SameOrigin(given, publicBase);
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
