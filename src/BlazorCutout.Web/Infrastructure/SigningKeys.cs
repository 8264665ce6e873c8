using System.Security.Cryptography;

namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// HMAC keys for URLs we sign (asset links, callback tokens): from configuration (base64) when set, else a random key
/// created once in the data directory, so signed URLs stay valid across restarts and across processes sharing the data.
/// </summary>
public static class SigningKeys
{
    public const int MinimumBytes = 32;

    public static byte[] Load(IConfiguration configuration, string setting, DataDirectory dataDirectory, string fileName)
    {
        var key = configuration[setting] is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : LoadOrCreate(Path.Combine(dataDirectory.KeysPath, fileName));
        if (key.Length < MinimumBytes) throw new InvalidOperationException($"{setting} must be at least {MinimumBytes} bytes (base64).");
        return key;
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Read(path);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        var key = RandomNumberGenerator.GetBytes(MinimumBytes);
        File.WriteAllText(temp, Convert.ToBase64String(key));
        try
        {
            File.Move(temp, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp); // another process created it first: use theirs
            return Read(path);
        }
    }

    private static byte[] Read(string path) => Convert.FromBase64String(File.ReadAllText(path).Trim());
}
