using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data.Tasks;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// What a succeeded task falls short of, in words shown with it: the provider's own note (a partial batch) and what
/// the stored results lack compared with what was asked for. A success that quietly holds less than was asked reads
/// as if the rest never existed.
/// </summary>
internal static class TaskNotes
{
    public static string? ForSuccess(TaskRecord task, string providerName, string? providerNote, IReadOnlyCollection<AssetRecord> stored)
    {
        var missingMask = MissingMask(task, providerName, stored);
        return (providerNote, missingMask) switch
        {
            (null, null) => null,
            ({ } p, null) => p,
            (null, { } m) => m,
            ({ } p, { } m) => $"{p} {m}",
        };
    }

    private static string? MissingMask(TaskRecord task, string providerName, IReadOnlyCollection<AssetRecord> stored)
    {
        // Generated backgrounds take no output option (002): there a mask is never asked for.
        if (task.Operation == ProviderOperation.GenerateBackground || stored.Any(a => a.Role == TaskAssetRole.Mask))
            return null;
        return TaskRecords.DeserializeOptions(task.OptionsJson).Output switch
        {
            OutputKind.ImageAndMask => $"{providerName} returned no mask, although one was asked for: only the cut-out image was stored.",
            OutputKind.Mask => $"{providerName} returned no mask, although only the mask was asked for: the image it returned was stored instead.",
            _ => null,
        };
    }
}
