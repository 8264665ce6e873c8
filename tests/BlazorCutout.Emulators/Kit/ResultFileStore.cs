using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// Serves result files the way the services' object storage does: <c>GET /_results/{id}.{ext}?Expires=…&amp;Signature=…</c>.
/// A URL works for <see cref="Ttl"/> after it was issued; afterwards the answer is <see cref="ExpiredResponder"/>
/// (default: OSS-style 403 AccessDenied "Request has expired", as Alibaba OSS answers an expired signed URL, which is
/// where PicWish/gpt.ge results live). Unknown ids: 404 NoSuchKey. <see cref="ExpireAll"/> (or
/// <c>POST /_emulator/expire-results</c>) expires everything issued so far.
/// </summary>
public sealed class ResultFileStore(TimeProvider time, TimeSpan ttl)
{
    public const string PathPrefix = "/_results";

    private readonly ConcurrentDictionary<string, StoredFile> _files = new(StringComparer.Ordinal);

    public sealed record StoredFile(string Id, byte[] Bytes, string ContentType, DateTimeOffset ExpiresAt, string Signature);

    public TimeSpan Ttl { get; set; } = ttl;
    public int Downloads => _downloads;
    private int _downloads;

    /// <summary>Writes the "expired" answer; replace to mimic another storage (HitPaw/Tengr CDNs may answer 404 or 410).</summary>
    public Func<HttpContext, Task> ExpiredResponder { get; set; } = ctx =>
    {
        ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
        ctx.Response.ContentType = "application/xml";
        return ctx.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>");
    };

    public IReadOnlyCollection<StoredFile> Files => _files.Values.ToList();

    /// <summary>Stores bytes; returns the path and query to append to the emulator's base URI.</summary>
    public string Put(byte[] bytes, string contentType, string extension)
    {
        var id = Guid.NewGuid().ToString("N");
        var expires = time.GetUtcNow() + Ttl;
        var file = new StoredFile(id, bytes, contentType, expires, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant());
        _files[id] = file;
        return $"{PathPrefix}/{id}.{extension.TrimStart('.')}?Expires={expires.ToUnixTimeSeconds()}&Signature={file.Signature}";
    }

    /// <summary>An absolute URL on the host that received <paramref name="request"/>.</summary>
    public string PutUrl(HttpRequest request, byte[] bytes, string contentType, string extension) =>
        $"{request.Scheme}://{request.Host}{Put(bytes, contentType, extension)}";

    public void ExpireAll()
    {
        var now = time.GetUtcNow().AddSeconds(-1);
        foreach (var (id, f) in _files) _files[id] = f with { ExpiresAt = now };
    }

    internal void Map(WebApplication app) =>
        app.MapGet(PathPrefix + "/{name}", async (HttpContext ctx, string name) =>
        {
            var id = Path.GetFileNameWithoutExtension(name);
            if (!_files.TryGetValue(id, out var file) || ctx.Request.Query["Signature"] != file.Signature)
            {
                ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                ctx.Response.ContentType = "application/xml";
                await ctx.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
                return;
            }
            if (time.GetUtcNow() >= file.ExpiresAt)
            {
                RequestLog.Note(ctx, "result expired");
                await ExpiredResponder(ctx);
                return;
            }
            Interlocked.Increment(ref _downloads);
            ctx.Response.ContentType = file.ContentType;
            ctx.Response.ContentLength = file.Bytes.Length;
            await ctx.Response.Body.WriteAsync(file.Bytes);
        });
}
