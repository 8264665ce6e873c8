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

    /// <summary>The README's decision: <c>GET /v2/artworks/{id}</c>, same body shape as the 202 answer.</summary>
    [Get("/v2/artworks/{id}")]
    Task<HttpResponseMessage> GetAsync([Authorize("Bearer")] string apiKey, string id, CancellationToken cancellationToken);
}
