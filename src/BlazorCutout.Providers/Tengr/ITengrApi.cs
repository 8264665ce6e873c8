using Refit;
using static BlazorCutout.Providers.Tengr.TengrWire;

namespace BlazorCutout.Providers.Tengr;

/// <summary>Seed 001's two calls (JSON, Bearer), as Refit generates them; answers come back raw for <see cref="TengrProvider"/> to read.</summary>
[Headers("Accept: application/json")]
public interface ITengrApi
{
    /// <summary>001: <c>POST /v2/artworks/segmentation</c> (202 with the artwork).</summary>
    [Post("/v2/artworks/segmentation")]
    Task<HttpResponseMessage> CreateAsync([Authorize("Bearer")] string apiKey, [Body] SegmentationRequest body, CancellationToken cancellationToken);

    /// <summary>
    /// The poll, at the configured <see cref="TengrOptions.PollPath"/> (undocumented in 001, so configurable):
    /// <paramref name="path"/> is the template with the id filled in; Refit escapes each of its segments.
    /// </summary>
    [Get("/{**path}")]
    Task<HttpResponseMessage> GetAsync([Authorize("Bearer")] string apiKey, string path, CancellationToken cancellationToken);
}
