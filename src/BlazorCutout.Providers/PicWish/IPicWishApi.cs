using Refit;

namespace BlazorCutout.Providers.PicWish;

/// <summary>
/// Seed 004's two calls, as Refit generates them. The answers come back raw: the <c>{status, message, data}</c> envelope
/// and its status table are read by <see cref="PicWishWire"/> and <see cref="PicWishStates"/>. Fields left null are not sent
/// (image_file/image_url and the bg_* fields are exclusive pairs, chosen in <see cref="PicWishProvider.BuildForm"/>).
/// </summary>
public interface IPicWishApi
{
    /// <summary>004: create a segmentation task (multipart).</summary>
    [Multipart]
    [Post("/api/tasks/visual/segmentation")]
    Task<HttpResponseMessage> CreateAsync(
        [Header("X-API-KEY")] string apiKey,
        [AliasAs("image_file")] StreamPart? imageFile,
        [AliasAs("image_url")] string? imageUrl,
        [AliasAs("sync")] string sync,
        [AliasAs("type")] string? type,
        [AliasAs("return_type")] string returnType,
        [AliasAs("output_type")] string outputType,
        [AliasAs("crop")] string crop,
        [AliasAs("format")] string format,
        [AliasAs("bg_color")] string? bgColor,
        [AliasAs("bg_image_file")] StreamPart? bgImageFile,
        [AliasAs("bg_image_url")] string? bgImageUrl,
        CancellationToken cancellationToken);

    /// <summary>004: query a task.</summary>
    [Get("/api/tasks/visual/segmentation/{taskId}")]
    Task<HttpResponseMessage> GetAsync([Header("X-API-KEY")] string apiKey, string taskId, CancellationToken cancellationToken);
}
