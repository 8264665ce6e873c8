using System.Security.Claims;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Teams.Access;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Gallery;

/// <summary>
/// <c>/gallery/{task id}</c> (the lightbox's address) for a signed-in user who may not see that task: an empty 404
/// before Blazor renders, so the status-code pages show "not found" as for an asset URL (<see cref="ItemAccess"/>, the
/// same rule). Checked here rather than in the page because a status set while a Blazor page renders cannot be
/// re-executed in that request (its Blazor services are initialized already: 500). Not signed in: the page's
/// [Authorize] sends the visitor to the login.
/// </summary>
public static class GalleryLinkGate
{
    public const string PathPrefix = "/gallery";

    public static string PathFor(Guid taskId) => $"{PathPrefix}/{taskId:N}";

    public static IApplicationBuilder UseGalleryLinkGate(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method)
                && context.Request.Path.StartsWithSegments(PathPrefix, out var rest)
                && Guid.TryParse(rest.Value?.TrimStart('/'), out var taskId)
                && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } userId)
            {
                var dbFactory = context.RequestServices.GetRequiredService<IDbContextFactory<AppDbContext>>();
                await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
                if (!await ItemAccess.VisibleTasks(db, userId).AnyAsync(t => t.Id == taskId, context.RequestAborted))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
            }
            await next(context);
        });
}
