using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Tasks.TouchUp;

namespace BlazorCutout.Web.Tasks;

/// <summary>Turning rows into the views the pages see, and the stored form of <see cref="JobOptions"/>.</summary>
public static class TaskRecords
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The options without the background image's bytes (those live in the asset store).</summary>
    public static string SerializeOptions(JobOptions options) => JsonSerializer.Serialize(options with { BackgroundImage = null }, Json);

    public static JobOptions DeserializeOptions(string json) => JsonSerializer.Deserialize<JobOptions>(json, Json) ?? new JobOptions();

    public static long ToUnixMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    public static TaskAssetView ToView(AssetRecord a) => new(
        a.Id, a.Role, a.ContentType, a.FileName, a.Width, a.Height, a.Bytes,
        Url: $"/assets/{a.Id:D}",
        ThumbnailUrl: ThumbnailUrl(a.Id),
        DownloadUrl: $"/assets/{a.Id:D}/download") { Version = a.Version };

    public static string ThumbnailUrl(Guid assetId) => $"/assets/{assetId:D}/thumbnail";

    /// <summary>The newest version of each result, carrying the provider's original when it is a touch-up.</summary>
    private static List<TaskAssetView> CurrentResults(List<AssetRecord> assets) =>
        ResultVersions.Newest(assets).OrderBy(r => r.Role).ThenBy(r => r.Index)
            .Select(r => ToView(r) with { Original = ResultVersions.OriginalOf(r, assets) is { } o ? ToView(o) : null })
            .ToList();

    public static TaskView ToView(TaskRecord t, IReadOnlyDictionary<Guid, AssetRecord> sources, ILookup<Guid, AssetRecord> results, ProviderRegistry registry)
    {
        var name = registry.TryGet(t.ProviderId, out var provider) ? provider.Descriptor.DisplayName : t.ProviderId;
        var source = sources.TryGetValue(t.SourceAssetId, out var s)
            ? ToView(s)
            : new TaskAssetView(t.SourceAssetId, TaskAssetRole.Source, "application/octet-stream", "", 0, 0, 0, "", "", "");
        return new TaskView(
            t.Id, t.ProviderId, name, t.Operation, t.State, t.Progress, t.ErrorCode, t.ErrorMessage, t.Note,
            t.CostAmount, t.CostUnit, t.CostEstimated,
            Utc(t.CreatedUtc),
            t.SubmittedUtc is { } sub ? Utc(sub) : null,
            t.CompletedUtc is { } done ? Utc(done) : null,
            t.ProcessingMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            source,
            CurrentResults(results[t.Id].ToList()),
            t.RetryOfId) { CostUnpriced = t.CostUnpriced };
    }
}
