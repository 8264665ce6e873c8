using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace BlazorCutout.Emulators.Kit;

/// <summary>
/// How a test forces a documented error. Two ways, checked in this order:
/// <list type="number">
/// <item>A magic token <c>emulate[NAME]</c> anywhere in a value the emulator inspects for that request: the uploaded
/// file's name (<c>photo-emulate[state=-7].png</c>), an <c>image_url</c>/<c>file_url</c>, a prompt. It affects exactly that request/job.</item>
/// <item>A queued trigger: <see cref="Enqueue"/> in-process, or <c>POST /_emulator/next-error?trigger=NAME&amp;scope=create&amp;count=1</c>.
/// The next <c>count</c> requests of that scope take it (scope null/"any" = whichever handler asks first).</item>
/// </list>
/// NAMEs are per emulator (see README.md): <c>http=500</c>, <c>state=-7</c>, <c>stuck</c>, …
/// </summary>
public sealed partial class ErrorTriggers
{
    private readonly ConcurrentQueue<Queued> _queue = new();
    private readonly ConcurrentQueue<string> _fired = new();

    private sealed class Queued(string name, string? scope, int count)
    {
        public string Name { get; } = name;
        public string? Scope { get; } = scope;
        public int Remaining = count;
    }

    /// <summary>Triggers that took effect, in order, as "scope:name" (for assertions).</summary>
    public IReadOnlyList<string> Fired => _fired.ToArray();

    public void Enqueue(string name, string? scope = null, int count = 1)
    {
        if (count > 0) _queue.Enqueue(new Queued(name, scope is "any" ? null : scope, count));
    }

    public void Clear() => _queue.Clear();

    [GeneratedRegex(@"emulate\[(?<name>[^\]]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Magic();

    /// <summary>The trigger for this request: a magic token in <paramref name="inspected"/>, else a queued one of this scope.</summary>
    public string? Take(string scope, params string?[] inspected)
    {
        foreach (var value in inspected)
        {
            if (string.IsNullOrEmpty(value)) continue;
            var decoded = Uri.UnescapeDataString(value);
            var m = Magic().Match(decoded);
            if (m.Success)
            {
                _fired.Enqueue($"{scope}:{m.Groups["name"].Value}");
                return m.Groups["name"].Value;
            }
        }
        lock (_queue)
        {
            foreach (var q in _queue)
            {
                if (q.Scope is not null && !q.Scope.Equals(scope, StringComparison.OrdinalIgnoreCase)) continue;
                if (Interlocked.Decrement(ref q.Remaining) < 0) continue;
                if (q.Remaining == 0) Compact();
                _fired.Enqueue($"{scope}:{q.Name}");
                return q.Name;
            }
        }
        return null;
    }

    /// <summary>Magic tokens only (for values inspected later than the request, e.g. inside a job).</summary>
    public static string? FindMagic(params string?[] inspected)
    {
        foreach (var value in inspected)
        {
            if (string.IsNullOrEmpty(value)) continue;
            var m = Magic().Match(Uri.UnescapeDataString(value));
            if (m.Success) return m.Groups["name"].Value;
        }
        return null;
    }

    private void Compact()
    {
        var keep = _queue.Where(q => q.Remaining > 0).ToList();
        _queue.Clear();
        foreach (var q in keep) _queue.Enqueue(q);
    }

    /// <summary>Splits "http=500" into ("http", "500"); a bare "stuck" gives ("stuck", null).</summary>
    public static (string Kind, string? Value) Parse(string trigger)
    {
        var eq = trigger.IndexOf('=');
        return eq < 0 ? (trigger.Trim().ToLowerInvariant(), null) : (trigger[..eq].Trim().ToLowerInvariant(), trigger[(eq + 1)..].Trim());
    }
}
