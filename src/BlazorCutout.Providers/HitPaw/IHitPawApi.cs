using BlazorCutout.Providers.Resilience;
using Refit;
using static BlazorCutout.Providers.HitPaw.HitPawWire;

namespace BlazorCutout.Providers.HitPaw;

/// <summary>Seed 003's two calls (JSON, <c>Apikey</c> header), as Refit generates them; answers come back raw for <see cref="HitPawProvider"/> to read.</summary>
[Headers("Accept: application/json")]
public interface IHitPawApi
{
    /// <summary>003: <c>POST /api/image-segmentation</c> (charges coins).</summary>
    [Post("/api/image-segmentation")]
    Task<HttpResponseMessage> SubmitAsync([Header("Apikey")] string apiKey, [Body] SubmitRequest body, CancellationToken cancellationToken);

    /// <summary>003: <c>POST /api/task-status</c>: a POST that only reads, so it is marked safe to repeat.</summary>
    [Post("/api/task-status")]
    Task<HttpResponseMessage> StatusAsync([Header("Apikey")] string apiKey, [Body] StatusRequest body, CancellationToken cancellationToken,
        [Property(ProviderRequest.RetrySafeName)] bool retrySafe = true);
}
