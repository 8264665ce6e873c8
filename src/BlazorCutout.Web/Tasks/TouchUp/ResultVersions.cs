using BlazorCutout.Web.Data.Tasks;

namespace BlazorCutout.Web.Tasks.TouchUp;

/// <summary>
/// Which stored version of a task's result is the current one: for each role and index, the highest
/// <see cref="AssetRecord.Version"/>. Every reader of results (task views, the gallery's thumbnail, the ZIP) picks
/// through here, so a touch-up shows everywhere at once and the original stays in the store untouched.
/// </summary>
public static class ResultVersions
{
    /// <summary>
    /// Touch-ups kept per result besides the provider's original (version 0). Each is a full PNG and only the newest and
    /// the original are ever shown, so saving a newer one removes the ones this many saves back.
    /// </summary>
    public const int KeptTouchUps = 10;

    public static IEnumerable<T> Newest<T>(IEnumerable<T> assets, Func<T, (TaskAssetRole Role, int Index, int Version)> key) =>
        assets.GroupBy(a => (key(a).Role, key(a).Index)).Select(g => g.MaxBy(a => key(a).Version)!);

    public static IEnumerable<AssetRecord> Newest(IEnumerable<AssetRecord> assets) => Newest(assets, a => (a.Role, a.Index, a.Version));

    /// <summary>The provider's own result of the same role and index (version 0), when <paramref name="asset"/> is a touch-up.</summary>
    public static AssetRecord? OriginalOf(AssetRecord asset, IEnumerable<AssetRecord> taskAssets) =>
        asset.Version == 0 ? null : taskAssets.FirstOrDefault(a => a.Role == asset.Role && a.Index == asset.Index && a.Version == 0);

    /// <summary>"photo-cutout.png" touched up a second time: "photo-cutout-edit2.png".</summary>
    public static string FileName(AssetRecord original, int version) => $"{ImageFormats.SafeStem(original.FileName)}-edit{version}.png";
}
