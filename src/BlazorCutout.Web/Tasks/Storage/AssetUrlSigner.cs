using System.Globalization;
using BlazorCutout.Providers;
using BlazorCutout.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tasks.Storage;

/// <summary>
/// Signed, expiring public URLs of stored assets, for providers that only fetch images by URL (HitPaw, Tengr):
/// <c>{PublicBaseUrl}/public/assets/{id}?exp={unix seconds}&amp;sig={HMAC-SHA256(id:exp)}</c>. Without a configured
/// <c>BlazorCutout:PublicBaseUrl</c> there are none, and those providers are unavailable for uploads.
/// The key is <c>BlazorCutout:Security:AssetUrlKey</c> (base64, ≥ 32 bytes) or, by default, a random key kept beside the Data Protection key ring (<see cref="SigningKeys"/>).
/// </summary>
public sealed class AssetUrlSigner
{
    public const string PathPrefix = "/public/assets/";
    public const string KeySetting = "BlazorCutout:Security:AssetUrlKey";

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TaskOptions _options;

    public AssetUrlSigner(IConfiguration configuration, SigningKeys signingKeys, TimeProvider time, IOptions<TaskOptions> options)
    {
        BaseUrl = PublicBaseUrlSetting.Read(configuration);
        _time = time;
        _options = options.Value;
        _key = signingKeys.Load(KeySetting, "asset-url.key");
    }

    /// <summary>The configured public base URL, or null.</summary>
    public Uri? BaseUrl { get; }

    public bool CanSign => BaseUrl is not null;

    public Uri Sign(Guid assetId, TimeSpan? lifetime = null)
    {
        if (BaseUrl is null) throw new InvalidOperationException("No public base URL is configured (BlazorCutout:PublicBaseUrl).");
        var expires = _time.GetUtcNow().Add(lifetime ?? _options.PublicUrlLifetime).ToUnixTimeSeconds();
        var root = BaseUrl.ToString().TrimEnd('/');
        return new Uri($"{root}{PathPrefix}{assetId:D}?exp={expires}&sig={HmacToken.Of(_key, Message(assetId, expires))}");
    }

    public bool Verify(Guid assetId, string? exp, string? sig)
    {
        if (exp is null || sig is null || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return false;
        if (_time.GetUtcNow().ToUnixTimeSeconds() > expires) return false;
        return HmacToken.Matches(_key, Message(assetId, expires), sig);
    }

    private static string Message(Guid assetId, long expires) => $"{assetId:D}:{expires}";
}
