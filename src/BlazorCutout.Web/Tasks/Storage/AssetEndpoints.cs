using System.Security.Claims;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Tasks;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Teams.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>
/// <c>/assets/{id}</c> (inline), <c>/assets/{id}/thumbnail</c>, <c>/assets/{id}/download</c> for a signed-in user who may
/// see it by <see cref="ItemAccess.VisibleAssets"/>: its owner, a member of the team its task is shared to, an Admin
/// (anyone else signed in gets 404, not 403: an asset's existence is not revealed; no one signed in gets 401, not a
/// redirect to the login page), <see cref="AssetArchive"/>'s <c>/assets/zip</c> under the same rules, and the anonymous
/// <c>/public/assets/{id}?exp&amp;sig</c> that URL-only providers fetch with a signed, expiring link.
/// </summary>
public static class AssetEndpoints
{
    public static IEndpointRouteBuilder MapAssetEndpoints(this IEndpointRouteBuilder app)
    {
        var owned = app.MapGroup("/assets").RequireSignedInApi();
        owned.MapGet("/{id:guid}", (Guid id, HttpContext http, IDbContextFactory<AppDbContext> db, IAssetStore store, ILoggerFactory log, CancellationToken ct) =>
            ServeVisibleAsync(id, http, db, store, log, download: false, ct));
        owned.MapGet("/{id:guid}/download", (Guid id, HttpContext http, IDbContextFactory<AppDbContext> db, IAssetStore store, ILoggerFactory log, CancellationToken ct) =>
            ServeVisibleAsync(id, http, db, store, log, download: true, ct));
        owned.MapGet("/{id:guid}/thumbnail", ServeThumbnailAsync);
        app.MapGet(AssetArchive.Route, AssetArchive.ServeAsync).RequireSignedInApi();

        app.MapGet(AssetUrlSigner.PathPrefix + "{id:guid}", ServePublicAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> ServeVisibleAsync(Guid id, HttpContext http, IDbContextFactory<AppDbContext> dbFactory, IAssetStore store,
        ILoggerFactory log, bool download, CancellationToken ct)
    {
        var asset = await FindVisibleAsync(id, http, dbFactory, ct);
        if (asset is null) return Results.NotFound();
        return Serve(asset, http, store, log, download, cache: "private, max-age=86400");
    }

    private static async Task<IResult> ServeThumbnailAsync(Guid id, HttpContext http, IDbContextFactory<AppDbContext> dbFactory, IAssetStore store,
        IThumbnailMaker thumbnails, IOptions<TaskOptions> options, ILoggerFactory log, CancellationToken ct)
    {
        var asset = await FindVisibleAsync(id, http, dbFactory, ct);
        if (asset is null) return Results.NotFound();
        var size = options.Value.ThumbnailSize;
        var etag = new EntityTagHeaderValue($"\"{asset.Sha256}-t{size}\"");
        if (http.Request.Headers.IfNoneMatch.ToString().Contains(etag.Tag.ToString(), StringComparison.Ordinal))
        {
            http.Response.Headers.CacheControl = "private, max-age=86400";
            http.Response.Headers.ETag = etag.ToString();
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        var thumbnail = await thumbnails.MakeAsync(asset.Sha256, token => store.ReadAllAsync(asset.StorageKey, token), size, ct);
        // No thumbnail (none made, or the file is gone): the original, which also reports a missing file.
        if (thumbnail is null) return Serve(asset, http, store, log, download: false, cache: "private, max-age=86400");
        http.Response.Headers.CacheControl = "private, max-age=86400";
        return Results.File(thumbnail.Bytes, thumbnail.ContentType, lastModified: TaskRecords.Utc(asset.CreatedUtc), entityTag: etag);
    }

    private static async Task<IResult> ServePublicAsync(Guid id, string? exp, string? sig, HttpContext http, AssetUrlSigner signer,
        IDbContextFactory<AppDbContext> dbFactory, IAssetStore store, ILoggerFactory log, CancellationToken ct)
    {
        if (!signer.Verify(id, exp, sig)) return Results.NotFound();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (asset is null) return Results.NotFound();
        return Serve(asset, http, store, log, download: false, cache: "private, no-store");
    }

    private static async Task<AssetRecord?> FindVisibleAsync(Guid id, HttpContext http, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(userId)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ItemAccess.VisibleAssets(db, userId).AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
    }

    private static IResult Serve(AssetRecord asset, HttpContext http, IAssetStore store, ILoggerFactory log, bool download, string cache)
    {
        var stream = store.OpenRead(asset.StorageKey);
        if (stream is null)
        {
            LogMissing(asset, log);
            return Results.NotFound();
        }
        http.Response.Headers.CacheControl = cache;
        if (!download)
        {
            var inline = new ContentDispositionHeaderValue("inline");
            inline.SetHttpFileName(asset.FileName);
            http.Response.Headers.ContentDisposition = inline.ToString();
        }
        return Results.File(stream, asset.ContentType,
            fileDownloadName: download ? asset.FileName : null,
            lastModified: TaskRecords.Utc(asset.CreatedUtc),
            entityTag: new EntityTagHeaderValue($"\"{asset.Sha256}\""),
            enableRangeProcessing: true);
    }

    internal static void LogMissing(AssetRecord asset, ILoggerFactory log) =>
        log.CreateLogger(typeof(AssetEndpoints)).LogError("Asset {AssetId} is in the database but its file {Key} is missing from the store", asset.Id, asset.StorageKey);
}
