using BlazorCutout.Providers.PicWish;
using Refit;

namespace BlazorCutout.Providers.GptGe;

/// <summary>
/// The gpt.ge calls (seeds 000 and 002, and the poll), as Refit generates them. Answers come back raw: the envelope is
/// PicWish's (<see cref="PicWishWire"/>). Fields left null are not sent.
/// </summary>
public interface IGptGeApi
{
    /// <summary>000: cut-out (multipart).</summary>
    [Multipart]
    [Post("/task/pic/segmentation")]
    Task<HttpResponseMessage> SegmentAsync(
        [Authorize("Bearer")] string apiKey,
        [AliasAs("image_file")] StreamPart? imageFile,
        [AliasAs("image_url")] string? imageUrl,
        [AliasAs("sync")] string sync,
        [AliasAs("type")] string? type,
        [AliasAs("output_type")] string outputType,
        [AliasAs("crop")] string crop,
        [AliasAs("format")] string format,
        [AliasAs("bg_color")] string? bgColor,
        [AliasAs("callback_url")] string? callbackUrl,
        CancellationToken cancellationToken);

    /// <summary>002: background generation (multipart).</summary>
    [Multipart]
    [Post("/task/pic/background")]
    Task<HttpResponseMessage> GenerateBackgroundAsync(
        [Authorize("Bearer")] string apiKey,
        [AliasAs("image_file")] StreamPart? imageFile,
        [AliasAs("image_url")] string? imageUrl,
        [AliasAs("batch_size")] string batchSize,
        [AliasAs("prompt")] string prompt,
        [AliasAs("sync")] string sync,
        [AliasAs("callback_url")] string? callbackUrl,
        CancellationToken cancellationToken);

    /// <summary>
    /// The poll, at the configured <see cref="GptGeOptions.PollPathTemplate"/> (undocumented in the seeds, so configurable):
    /// <paramref name="path"/> is the template with the id filled in; Refit escapes each of its segments.
    /// </summary>
    [Get("/{**path}")]
    Task<HttpResponseMessage> GetAsync([Authorize("Bearer")] string apiKey, string path, CancellationToken cancellationToken);
}
