using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace BlazorCutout.Emulators.Kit;

/// <summary>One file part of a multipart request, summarised (the bytes are not kept).</summary>
public sealed record ReceivedFile(string Field, string? FileName, string? ContentType, long Length);

/// <summary>
/// One request as the emulator saw it. Credential headers (<see cref="RequestLog.SecretHeaders"/>) are kept only as
/// "(redacted, N chars)" so a test can assert a key was sent without the log ever holding it.
/// </summary>
public sealed record LoggedRequest
{
    public required DateTimeOffset At { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required string Query { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    /// <summary>Multipart / urlencoded text fields as received (repeated fields joined with ",").</summary>
    public IReadOnlyDictionary<string, string> Form { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<ReceivedFile> Files { get; init; } = [];
    /// <summary>Text body of JSON requests (first 64 KiB).</summary>
    public string? Body { get; init; }
    public int Status { get; set; }
    /// <summary>What the emulator decided ("trigger http=500", "rate-limited", "auth failed").</summary>
    public ConcurrentQueue<string> Notes { get; } = new();

    public bool HasField(string name) => Form.ContainsKey(name) || Files.Any(f => f.Field == name);
    public string? Field(string name) => Form.TryGetValue(name, out var v) ? v : null;
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public override string ToString() => $"{Method} {Path}{Query} -> {Status} [{string.Join("; ", Notes)}]";
}

/// <summary>Every request an emulator received (except its own control endpoints), in order. Thread-safe.</summary>
public sealed class RequestLog
{
    private const string ItemKey = "emulator.logged";
    private const int MaxBody = 64 * 1024;

    /// <summary>Headers whose values never enter the log.</summary>
    public static readonly IReadOnlySet<string> SecretHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "X-API-KEY", "Apikey", "Api-Key", "X-Api-Token", "Cookie", "Proxy-Authorization",
    };

    private readonly ConcurrentQueue<LoggedRequest> _entries = new();

    public IReadOnlyList<LoggedRequest> Entries => _entries.ToArray();

    public IReadOnlyList<LoggedRequest> For(string method, string pathPrefix) =>
        Entries.Where(e => e.Method.Equals(method, StringComparison.OrdinalIgnoreCase) && e.Path.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase)).ToList();

    public void Clear() => _entries.Clear();

    /// <summary>Adds a note to the current request's entry (no-op outside a logged request).</summary>
    public static void Note(HttpContext context, string note)
    {
        if (context.Items.TryGetValue(ItemKey, out var e) && e is LoggedRequest entry) entry.Notes.Enqueue(note);
    }

    internal async Task Middleware(HttpContext ctx, Func<Task> next)
    {
        if (ctx.Request.Path.StartsWithSegments("/_emulator"))
        {
            await next();
            return;
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in ctx.Request.Headers)
            headers[name] = SecretHeaders.Contains(name) ? $"(redacted, {value.ToString().Length} chars)" : value.ToString();

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<ReceivedFile>();
        string? body = null;
        if (ctx.Request.HasFormContentType)
        {
            try
            {
                var f = await ctx.Request.ReadFormAsync(ctx.RequestAborted); // cached: handlers read it again for free
                foreach (var (k, v) in f) form[k] = v.ToString();
                foreach (var file in f.Files) files.Add(new ReceivedFile(file.Name, file.FileName, file.ContentType, file.Length));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                body = "(unreadable form: " + e.Message + ")";
            }
        }
        else if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            ctx.Request.EnableBuffering();
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8, leaveOpen: true);
            var buffer = new char[MaxBody];
            var read = await reader.ReadBlockAsync(buffer, ctx.RequestAborted);
            body = new string(buffer, 0, read);
            ctx.Request.Body.Position = 0;
        }

        var entry = new LoggedRequest
        {
            At = DateTimeOffset.UtcNow,
            Method = ctx.Request.Method,
            Path = ctx.Request.Path.Value ?? "/",
            Query = ctx.Request.QueryString.Value ?? "",
            Headers = headers,
            Form = form,
            Files = files,
            Body = body,
        };
        ctx.Items[ItemKey] = entry;
        _entries.Enqueue(entry);
        try
        {
            await next();
        }
        finally
        {
            entry.Status = ctx.Response.StatusCode;
        }
    }
}
