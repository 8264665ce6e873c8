namespace BlazorCutout.Web.Infrastructure;

/// <summary>Response headers that limit what a page can load and who may frame it.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Blazor Server needs only its own scripts and a WebSocket to the same origin ('self' covers ws/wss in CSP 3).
    /// MudBlazor sets inline style attributes (and its theme is a style element) and Blazor's reconnect UI injects a style element, hence
    /// 'unsafe-inline' for styles only. Images may be data:/blob: URLs (previews of uploads and cut-outs).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; " +
        "script-src 'self'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY"; // for browsers that predate frame-ancestors
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            await next(context);
        });
}
