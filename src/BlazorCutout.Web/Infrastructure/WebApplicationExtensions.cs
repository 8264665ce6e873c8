using Microsoft.AspNetCore.Diagnostics;
using BlazorCutout.Web.Gallery;
using BlazorCutout.Web.Teams;
using BlazorCutout.Web.Account;
using BlazorCutout.Web.Admin.Usage;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Live;

namespace BlazorCutout.Web.Infrastructure;

public static class WebApplicationExtensions
{
    public const string ErrorPath = "/error";
    public const string StatusPathFormat = "/status/{0}";
    public const string HealthPath = "/healthz";

    /// <summary>
    /// A POST to a path that serves no POST (nothing there, or a GET-only catch-all that routing answers with its
    /// "405 method not supported" endpoint) would have its empty 404/405 re-executed, still as a POST, on the status
    /// page, whose antiforgery check then answers 400: "you sent it wrong" about something that does not exist.
    /// It answers a bare 404 instead.
    /// </summary>
    public static IApplicationBuilder UsePostToUnknownPathIsNotFound(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            await next(context);
            if (HttpMethods.IsPost(context.Request.Method) && !context.Response.HasStarted
                && context.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            }
        });

    /// <summary>The request pipeline and every endpoint, in order.</summary>
    public static WebApplication UseBlazorCutoutWeb(this WebApplication app)
    {
        app.UseForwardedHeadersFromKnownProxies(); // first: everything below sees the real client address and scheme
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler(ErrorPath, createScopeForErrors: true);
        app.UseHstsWhenHttps();

        // Empty 403/404 responses (unknown URL, missing role) are re-rendered as a friendly page.
        app.UseStatusCodePagesWithReExecute(StatusPathFormat);
        app.UseSecurityHeaders();
        app.UseRateLimiter();
        app.UsePostToUnknownPathIsNotFound();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTaskHubGate();
        app.UseGalleryLinkGate();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks(HealthPath);
        app.MapAccountEndpoints();
        // Features map their endpoints here.
        app.MapTasks(); // /hubs/tasks, /assets/{id}[/thumbnail|/download], /public/assets/{id}
        app.MapTeamEndpoints(); // /api/tasks/{id}/share, /api/tasks/{id}/tags, /api/gallery
        app.MapUsageExport(); // /admin/usage/export.csv
        app.MapRazorComponents<App>()
            // Our CSP already says frame-ancestors 'none'; Blazor's own, laxer header would only add noise.
            .AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
