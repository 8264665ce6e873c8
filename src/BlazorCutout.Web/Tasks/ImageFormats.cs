namespace BlazorCutout.Web.Tasks;

/// <summary>Content types, file extensions and download names for stored images.</summary>
public static class ImageFormats
{
    /// <summary>The content type of a format as the engine's probe names it ("jpeg", "png", …).</summary>
    public static string ContentTypeOf(string probeFormat) => probeFormat.ToLowerInvariant() switch
    {
        "png" => "image/png",
        "jpeg" or "jpg" => "image/jpeg",
        "webp" => "image/webp",
        "tiff" or "tif" => "image/tiff",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "heif" or "heic" => "image/heif",
        "avif" => "image/avif",
        _ => "application/octet-stream",
    };

    public static string ExtensionOf(string contentType) => contentType.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        "image/png" => "png",
        "image/jpeg" or "image/jpg" => "jpg",
        "image/webp" => "webp",
        "image/tiff" => "tiff",
        "image/gif" => "gif",
        "image/bmp" => "bmp",
        "image/heif" or "image/heic" => "heif",
        "image/avif" => "avif",
        _ => "bin",
    };

    /// <summary>Sniffs the common result formats when a server declared nothing useful.</summary>
    public static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 8 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return "image/png";
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
        if (b.Length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') return "image/webp";
        if (b.Length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') return "image/gif";
        return null;
    }

    /// <summary>A file name without directories, control or reserved characters, at most 100 characters of stem.</summary>
    public static string SafeStem(string? fileName)
    {
        var name = Path.GetFileNameWithoutExtension((fileName ?? "").Replace('\\', '/').Split('/')[^1]);
        var chars = name.Where(c => !char.IsControl(c) && c is not ('"' or '<' or '>' or '|' or ':' or '*' or '?' or '/' or '\\' or ';')).ToArray();
        var stem = new string(chars).Trim().Trim('.');
        if (stem.Length > 100) stem = stem[..100];
        return stem.Length == 0 ? "image" : stem;
    }

    /// <summary>"photo.jpg" + result 0 → "photo-cutout.png"; masks "photo-mask.png"; batches "photo-cutout-2.png".</summary>
    public static string ResultFileName(string sourceFileName, TaskAssetRole role, int index, int count, string contentType)
    {
        var suffix = role == TaskAssetRole.Mask ? "mask" : "cutout";
        var number = count > 1 ? $"-{index + 1}" : "";
        return $"{SafeStem(sourceFileName)}-{suffix}{number}.{ExtensionOf(contentType)}";
    }
}
