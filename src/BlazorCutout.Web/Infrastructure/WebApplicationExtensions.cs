using BlazorCutout.Web.Account;
using BlazorCutout.Web.Admin.Usage;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Infrastructure;

public static class WebApplicationExtensions
{
    public const string ErrorPath = "/error";
    public const string StatusPathFormat = "/status/{0}";
    public const string HealthPath = "/healthz";

    /// <summary>The request pipeline and every endpoint, in order.</summary>
    public static WebApplication UseBlazorCutoutWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler(ErrorPath, createScopeForErrors: true);

        // Empty 403/404 responses (unknown URL, missing role) are re-rendered as a friendly page.
        app.UseStatusCodePagesWithReExecute(StatusPathFormat);
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks(HealthPath);
        app.MapAccountEndpoints();
        // Features map their endpoints here.
        app.MapTasks(); // /hubs/tasks, /assets/{id}[/thumbnail|/download], /public/assets/{id}
        app.MapUsageExport(); // /admin/usage/export.csv
        app.MapRazorComponents<App>()
            // Our CSP already says frame-ancestors 'none'; Blazor's own, laxer header would only add noise.
            .AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
