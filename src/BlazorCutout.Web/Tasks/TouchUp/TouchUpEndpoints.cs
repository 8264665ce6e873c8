using System.Security.Claims;
using BlazorCutout.Web.Infrastructure;

namespace BlazorCutout.Web.Tasks.TouchUp;

/// <summary>
/// <c>POST /api/tasks/{taskId}/results/{resultId}/touch-ups</c> with the edit PNG as the body (<see cref="ResultTouchUps"/>):
/// 201 with the new version, 400 with our message for a bad edit or a task without an editable result, 403 for a task
/// the caller sees but does not own, 404 for one they cannot see, 409 when the result changed meanwhile, 401 signed out.
/// </summary>
public static class TouchUpEndpoints
{
    public const string ContentType = "image/png";

    public static string Url(Guid taskId, Guid resultId) => $"/api/tasks/{taskId:D}/results/{resultId:D}/touch-ups";

    public static IEndpointRouteBuilder MapTouchUpEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tasks/{taskId:guid}/results/{resultId:guid}/touch-ups", SaveAsync).RequireSignedInApi();
        return app;
    }

    private static async Task<IResult> SaveAsync(Guid taskId, Guid resultId, HttpContext http, ResultTouchUps touchUps, CancellationToken ct)
    {
        // Only a raw image/png body: a cross-site page cannot send that content type without a CORS preflight (which this
        // app never grants), so the signed-in cookie alone cannot be used to forge an edit; forms and text/plain are out.
        if (!string.Equals(http.Request.ContentType?.Split(';')[0].Trim(), ContentType, StringComparison.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status415UnsupportedMediaType, "WrongContentType", $"Send the touch-up edit as the request body with Content-Type {ContentType}.");
        if (http.Request.ContentLength > ResultTouchUps.MaxEditBytes)
            return Problem(StatusCodes.Status413PayloadTooLarge, "EditTooLarge", TooLarge());
        using var body = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > ResultTouchUps.MaxEditBytes)
                return Problem(StatusCodes.Status413PayloadTooLarge, "EditTooLarge", TooLarge());
            body.Write(buffer, 0, read);
        }

        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        try
        {
            var saved = await touchUps.SaveAsync(userId, taskId, resultId, body.ToArray(), ct);
            return Results.Created(saved.Url, saved);
        }
        catch (TaskRejectedException e)
        {
            return e.Code switch
            {
                "UnknownTask" => Problem(StatusCodes.Status404NotFound, e.Code, e.Message),
                "NotOwner" => Problem(StatusCodes.Status403Forbidden, e.Code, e.Message),
                "StaleVersion" => Problem(StatusCodes.Status409Conflict, e.Code, e.Message),
                "EditTooLarge" => Problem(StatusCodes.Status413PayloadTooLarge, e.Code, e.Message),
                "StorageUnavailable" => Problem(StatusCodes.Status503ServiceUnavailable, e.Code, e.Message),
                _ => Problem(StatusCodes.Status400BadRequest, e.Code, e.Message),
            };
        }
    }

    private static string TooLarge() => $"The touch-up edit is larger than {BlazorCutout.Web.Shared.TaskText.Bytes(ResultTouchUps.MaxEditBytes)}; it cannot be accepted.";

    // Always with a problem body (see TeamEndpoints): an empty error status would be re-executed as an HTML page.
    private static IResult Problem(int status, string code, string message) =>
        Results.Problem(detail: message, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
}
