using System.Security.Claims;
using BlazorCutout.Providers;
using BlazorCutout.Web.Gallery;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Teams;

/// <summary>
/// The sharing actions and the gallery as JSON, for scripts and the permission tests; the pages call the same services.
/// Signed-in callers only (401 otherwise). A task the caller may not see is 404, whatever the action; one they see
/// but may not change (a teammate's) is 403; a bad request (tags, a team they are not in, an unfinished task) is 400,
/// with our message in the problem's detail.
/// </summary>
public static class TeamEndpoints
{
    public sealed record ShareRequest(Guid TeamId);

    public sealed record TagsRequest(IReadOnlyList<string> Tags);

    public static IEndpointRouteBuilder MapTeamEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireSignedInApi();
        api.MapPost("/tasks/{id:guid}/share", (Guid id, ShareRequest body, ClaimsPrincipal user, TeamSharing sharing, CancellationToken ct) =>
            Run(() => sharing.ShareAsync(UserId(user), id, body.TeamId, ct)));
        api.MapDelete("/tasks/{id:guid}/share", (Guid id, ClaimsPrincipal user, TeamSharing sharing, CancellationToken ct) =>
            Run(() => sharing.UnshareAsync(UserId(user), id, ct)));
        api.MapPut("/tasks/{id:guid}/tags", async (Guid id, TagsRequest body, ClaimsPrincipal user, TeamSharing sharing, CancellationToken ct) =>
        {
            try
            {
                return Results.Ok(await sharing.SetTagsAsync(UserId(user), id, body.Tags ?? [], ct));
            }
            catch (TaskRejectedException e)
            {
                return Refusal(e);
            }
        });
        api.MapGet("/gallery", async (Guid? team, ProviderOperation? operation, string? provider, string? member, string? tag, string? search,
            long? after, int? take, ClaimsPrincipal user, GalleryService gallery, CancellationToken ct) =>
            Results.Ok(await gallery.PageAsync(UserId(user),
                new GalleryQuery(team, operation, provider, member, null, null, tag, search, after, take ?? GalleryQuery.DefaultTake), ct: ct)));
        return app;
    }

    private static string UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    private static async Task<IResult> Run(Func<Task> action)
    {
        try
        {
            await action();
            return Results.NoContent();
        }
        catch (TaskRejectedException e)
        {
            return Refusal(e);
        }
    }

    // Always with a problem body: an empty 404 would be re-executed by the status-code pages as a POST to the HTML
    // "not found" page, which answers 400.
    private static IResult Refusal(TaskRejectedException e) => e.Code switch
    {
        "UnknownTask" => Results.Problem(detail: e.Message, statusCode: StatusCodes.Status404NotFound),
        "NotOwner" => Results.Problem(detail: e.Message, statusCode: StatusCodes.Status403Forbidden),
        _ => Results.Problem(detail: e.Message, statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { ["code"] = e.Code }),
    };
}
