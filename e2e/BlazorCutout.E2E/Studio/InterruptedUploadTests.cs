using System.Buffers.Binary;
using System.IO.Compression;
using BlazorCutout.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BlazorCutout.E2E.Studio;

/// <summary>
/// Issue #13 item 7: a page that goes away mid-upload (a reload here; a server restart ends the same way, with a new
/// page) leaves no card at "Checking…": the files that never arrived come back as cards saying "upload interrupted, drop
/// again", which the user can remove for good.
/// </summary>
public sealed class InterruptedUploadTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Files_not_uploaded_when_the_page_reloads_end_as_interrupted_cards_that_can_be_removed()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.RegisterAsync(page, "interrupted", "Interrupted-Passw0rd!");
        // A big photo first (noise does not compress: ~9 MB travel through the circuit), then a second drop that waits
        // its turn behind it: while the first one is still uploading, the second cannot have been read.
        var big = Path.Combine(Path.GetTempPath(), $"big-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(big, NoisePng(2048, 1536));
        try
        {
            await page.Locator("input#studio-files").SetInputFilesAsync(big);
            await page.Locator("input#studio-files").SetInputFilesAsync([RepoPaths.TestImage("rocket.jpg"), RepoPaths.TestImage("chelsea.png")]);
            var bigName = Path.GetFileName(big);
            await Expect(page.Locator($"[data-testid=upload-card][data-file='{bigName}']")).ToHaveAttributeAsync("data-state", "uploading");
            await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(3);
            await BrowserFixture.ScreenshotAsync(page, "interrupted-1-uploading");

            await page.ReloadAsync();
            await BrowserFixture.WaitUntilInteractiveAsync(page);
            await page.Locator("[data-restored=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

            foreach (var name in new[] { "rocket.jpg", "chelsea.png" })
            {
                var card = page.Locator($"[data-testid=upload-card][data-file='{name}']");
                await Expect(card).ToHaveAttributeAsync("data-state", "interrupted");
                await Expect(card.GetByTestId("card-error")).ToHaveTextAsync("Upload interrupted, drop again.");
                await Expect(card.GetByTestId("card-retry")).ToHaveCountAsync(0);
            }
            // The big one either arrived just before the reload (a task card) or did not (interrupted): never both,
            // never still "Checking…" or "Uploading".
            await Expect(page.GetByTestId("upload-card")).ToHaveCountAsync(3);
            await Expect(page.Locator("[data-testid=upload-card][data-state=checking], [data-testid=upload-card][data-state=uploading]")).ToHaveCountAsync(0);
            await BrowserFixture.ScreenshotAsync(page, "interrupted-2-after-reload");

            // Removed with its ×: it stays removed after another reload; the other interrupted card stays.
            await page.GetByRole(AriaRole.Button, new() { Name = "Remove rocket.jpg from the list" }).ClickAsync();
            await Expect(page.Locator("[data-testid=upload-card][data-file='rocket.jpg']")).ToHaveCountAsync(0);
            await page.ReloadAsync();
            await BrowserFixture.WaitUntilInteractiveAsync(page);
            await page.Locator("[data-restored=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Expect(page.Locator("[data-testid=upload-card][data-file='chelsea.png']")).ToHaveAttributeAsync("data-state", "interrupted");
            await Expect(page.Locator("[data-testid=upload-card][data-file='rocket.jpg']")).ToHaveCountAsync(0);

            // Dropped again, it arrives and is cut out like any other file.
            await page.Locator("input#studio-files").SetInputFilesAsync(RepoPaths.TestImage("rocket.jpg"));
            await Expect(page.Locator("[data-testid=upload-card][data-file='rocket.jpg']")).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
        }
        finally
        {
            File.Delete(big);
        }
        await page.Context.CloseAsync();
    }

    /// <summary>An RGB PNG of random pixels, which deflate cannot shrink: a big file that is still a real image.</summary>
    private static byte[] NoisePng(int width, int height)
    {
        var raw = new byte[(width * 3 + 1) * height];
        new Random(7).NextBytes(raw);
        for (var y = 0; y < height; y++)
            raw[y * (width * 3 + 1)] = 0; // filter: none
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
            z.Write(raw);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        png.Write(four);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typed));
        png.Write(four);
    }

    // PNG's chunk checksum (ISO 3309 CRC-32), bit by bit: a few MB once per test.
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
