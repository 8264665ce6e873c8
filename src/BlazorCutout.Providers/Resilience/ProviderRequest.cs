namespace BlazorCutout.Providers.Resilience;

/// <summary>
/// What a request to a provider API carries in <see cref="HttpRequestMessage.Options"/> for the shared handler chain:
/// which provider it is for (the log line's name), which of its pipelines runs it, and whether it may be repeated.
/// </summary>
public static class ProviderRequest
{
    /// <summary>The name of <see cref="RetrySafe"/>, for Refit's <c>[Property]</c> attribute (which needs a constant).</summary>
    public const string RetrySafeName = "BlazorCutout.RetrySafe";

    /// <summary>
    /// Set on a POST that is safe to repeat (HitPaw's <c>POST /api/task-status</c>). GET/HEAD/OPTIONS/PUT/DELETE are
    /// always considered safe; any other POST is retried only when the server certainly did not take it
    /// (docs/provider-http.md: 429, no connection).
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> RetrySafe = new(RetrySafeName);

    internal static readonly HttpRequestOptionsKey<string> ProviderId = new("BlazorCutout.ProviderId");
    internal static readonly HttpRequestOptionsKey<string> PipelineKey = new("BlazorCutout.PipelineKey");

    /// <summary>Whether <paramref name="request"/> may be sent again after it possibly reached the server.</summary>
    public static bool IsRetrySafe(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
        || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete
        || (request.Options.TryGetValue(RetrySafe, out var safe) && safe);

    internal static string ProviderOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(ProviderId, out var id) ? id : "unknown";
}
