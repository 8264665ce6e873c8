using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;

namespace BlazorCutout.Web.Studio;

/// <summary>What the browser found out about a chosen file (studio.js inspect): the real format from its first bytes, its pixel size, a preview URL.</summary>
public sealed record ClientImageFacts(
    string Name,
    long Size,
    string? Type,
    string? Format,
    int Width,
    int Height,
    bool Decodable,
    string? PreviewUrl);

/// <summary>
/// The instant, in-browser half of the upload checks: format, size and pixels against the chosen provider's limits,
/// one sentence per file. The server checks again (and is the one that counts).
/// </summary>
public static class ClientImageCheck
{
    /// <summary>The most the Studio reads from the browser for one file (issue #4: 20 MB).</summary>
    public const long MaxUploadBytes = 20L * 1024 * 1024;

    private static readonly HashSet<string> BrowserDrawable = new(StringComparer.OrdinalIgnoreCase) { "png", "jpeg", "webp", "gif", "bmp" };

    public static long MaxBytes(ProviderLimits limits) => Math.Min(MaxUploadBytes, limits.MaxBytes);

    /// <summary>The reason this file cannot be sent, or null.</summary>
    public static string? Problem(ClientImageFacts file, ProviderDescriptor provider)
    {
        var limits = provider.Limits;
        var accepted = string.Join(", ", limits.AcceptedFormats.Select(f => f.ToUpperInvariant()).Order());
        if (file.Size == 0)
            return "The file is empty.";
        if (file.Format is null)
            return $"This is not an image: its content is not {accepted}, whatever its name says.";
        if (!limits.Accepts(file.Format))
            return $"{provider.DisplayName} does not accept {file.Format.ToUpperInvariant()} images (accepted: {accepted}).";
        var maxBytes = MaxBytes(limits);
        if (file.Size > maxBytes)
            return $"The file is {TaskText.Bytes(file.Size)}; the limit is {TaskText.Bytes(maxBytes)}.";
        // The size from the header first, as the server checks it: a decompression bomb the browser would not draw is
        // too large, not damaged.
        if (file.Width > limits.MaxPixelsPerSide || file.Height > limits.MaxPixelsPerSide)
            return limits.TooManyPixels(file.Width, file.Height);
        if (!file.Decodable && BrowserDrawable.Contains(file.Format))
            return $"The image looks damaged: it starts like a {file.Format.ToUpperInvariant()} but cannot be decoded.";
        return null;
    }

    /// <summary>The file input's accept list for a provider (a hint for the chooser; the checks above are what count).</summary>
    public static string AcceptAttribute(ProviderLimits limits) =>
        string.Join(",", limits.AcceptedFormats.SelectMany(f => f.ToLowerInvariant() switch
        {
            "jpeg" or "jpg" => new[] { "image/jpeg", ".jpg", ".jpeg" },
            "tiff" or "tif" => new[] { "image/tiff", ".tif", ".tiff" },
            var other => new[] { "image/" + other, "." + other },
        }).Distinct());
}
