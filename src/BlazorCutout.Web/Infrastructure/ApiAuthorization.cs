using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Diagnostics;

namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// Endpoints fetched by code or by an &lt;img&gt;, not opened as pages (e.g. <c>/assets/*</c>): a caller who is not signed in
/// gets a bare 401, and one without the right gets a bare 403. The cookie scheme's redirect to the login page suits a
/// person navigating, but would hand an image tag or a script an HTML page with a 200. Pages keep the redirect.
/// (.NET 10 does this by itself for endpoints with <c>IApiEndpointMetadata</c>; net9.0 has no such marker.)
/// </summary>
public static class ApiAuthorization
{
    /// <summary>Signed-in users only, answering 401/403 rather than redirecting.</summary>
    public static TBuilder RequireSignedInApi<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization().WithMetadata(ApiEndpoint.Instance);

    public static IServiceCollection AddApiAuthorization(this IServiceCollection services) =>
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();

    private sealed class ApiEndpoint
    {
        public static readonly ApiEndpoint Instance = new();
    }

    private sealed class ApiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
        {
            if (result.Succeeded || context.GetEndpoint()?.Metadata.GetMetadata<ApiEndpoint>() is null)
                return _default.HandleAsync(next, context, policy, result);
            context.Response.StatusCode = result.Challenged ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            // No friendly HTML page in the body either: the caller is not a person reading one.
            if (context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
                statusPages.Enabled = false;
            return Task.CompletedTask;
        }
    }
}
