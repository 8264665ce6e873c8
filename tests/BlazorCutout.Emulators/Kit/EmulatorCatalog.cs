using System.Reflection;

namespace BlazorCutout.Emulators.Kit;

/// <summary>Every <see cref="ServiceEmulator"/> marked with <see cref="EmulatorAttribute"/> in this assembly, by name.</summary>
public static class EmulatorCatalog
{
    public static IReadOnlyDictionary<string, Type> All { get; } = typeof(EmulatorCatalog).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(ServiceEmulator).IsAssignableFrom(t) && t.GetCustomAttribute<EmulatorAttribute>() is not null)
        .ToDictionary(t => t.GetCustomAttribute<EmulatorAttribute>()!.Name, t => t, StringComparer.OrdinalIgnoreCase);

    public static ServiceEmulator Create(string name, EmulatorSettings settings, PixelMaker pixels)
    {
        if (!All.TryGetValue(name, out var type))
            throw new ArgumentException($"No emulator called '{name}'. Known: {string.Join(", ", All.Keys.Order())}.");
        return (ServiceEmulator)Activator.CreateInstance(type, settings, pixels)!;
    }
}

/// <summary>Reading sources the way the services do: uploaded parts or URLs they fetch themselves.</summary>
public static class SourceReader
{
    public sealed class FetchFailedException(string message) : Exception(message);
    public sealed class TooLargeException(long limit) : Exception($"larger than {limit} bytes")
    {
        public long Limit { get; } = limit;
    }

    public static async Task<byte[]> ReadAsync(Microsoft.AspNetCore.Http.IFormFile file, CancellationToken ct = default)
    {
        using var ms = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
        await file.CopyToAsync(ms, ct);
        return ms.ToArray();
    }

    /// <summary>GETs a source URL with a plain client (loopback in tests), enforcing <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> FetchAsync(HttpClient client, string url, long maxBytes, CancellationToken ct = default)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new FetchFailedException("not an http(s) URL");
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(uri, System.Net.Http.HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new FetchFailedException(e.Message);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw new FetchFailedException($"HTTP {(int)response.StatusCode}");
            if (response.Content.Headers.ContentLength > maxBytes) throw new TooLargeException(maxBytes);
            await using var s = await response.Content.ReadAsStreamAsync(ct);
            using var ms = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = await s.ReadAsync(buffer, ct)) > 0)
            {
                if (ms.Length + n > maxBytes) throw new TooLargeException(maxBytes);
                ms.Write(buffer, 0, n);
            }
            return ms.ToArray();
        }
    }
}
