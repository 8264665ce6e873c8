using BlazorCutout.Providers;
using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.Studio;

/// <summary>
/// What the user had chosen at the moment they gave the Studio a batch of files (a drop, a paste, a pick, a URL, a
/// click on "Cut out with these points"): provider, mode, options and background image, fixed for that batch. A file
/// that finishes uploading later is still sent as chosen then, whatever was clicked since (issue 8: photos dropped for
/// PicWish went to HitPaw, which was picked 150 ms later, and were charged there).
/// </summary>
/// <param name="Problem">Why these settings cannot be sent (an empty text prompt…), judged when they were captured.</param>
/// <param name="TeamId">The team the batch is run for (null: personal), likewise fixed when it was given.</param>
public sealed record StudioChoice(ProviderDescriptor Provider, ProviderOperation Operation, JobOptions Options, IncomingImage? Background, string? Problem,
    Guid? TeamId = null)
{
    public NewTaskRequest Request(IncomingImage image) => new(Provider.Id, Operation, Options, image, Background, TeamId);
}

/// <summary>A batch studio.js announced when it was given (before its bytes can be read), with its choice and its cards.</summary>
public sealed record GivenBatch(StudioChoice Choice, IReadOnlyList<UploadItem> Items);
