using System.IO.Compression;
using Microsoft.Playwright;

namespace BlazorCutout.E2E.Support;

/// <summary>What a browser download delivered, read back from disk.</summary>
public static class Downloads
{
    public static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static async Task<byte[]> ReadAsync(IDownload download)
    {
        var saved = Path.Combine(Path.GetTempPath(), $"cutout-download-{Guid.NewGuid():N}");
        await download.SaveAsAsync(saved);
        try
        {
            return await File.ReadAllBytesAsync(saved);
        }
        finally
        {
            File.Delete(saved);
        }
    }

    /// <summary>A ZIP download's entries (name → bytes), read with System.IO.Compression.</summary>
    public static async Task<Dictionary<string, byte[]>> ReadZipAsync(IDownload download)
    {
        using var zip = new ZipArchive(new MemoryStream(await ReadAsync(download)), ZipArchiveMode.Read);
        var entries = new Dictionary<string, byte[]>();
        foreach (var entry in zip.Entries)
        {
            await using var stream = entry.Open();
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            entries[entry.FullName] = copy.ToArray();
        }
        return entries;
    }
}
