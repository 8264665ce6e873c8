using BlazorCutout.Providers;
using BlazorCutout.Web.Infrastructure;

namespace BlazorCutout.Web.Tasks.Callbacks;

/// <summary>
/// Per-task, unguessable callback URLs for providers that notify completion (<c>callback_url</c>, <c>webhook</c>):
/// <c>{PublicBaseUrl}/callbacks/{taskId}/{token}</c>, token = HMAC-SHA256(task id) under a server key. Without a
/// configured <c>BlazorCutout:PublicBaseUrl</c> there are none. The key is <c>BlazorCutout:Security:CallbackKey</c>
/// (base64, ≥ 32 bytes) or, by default, a random key kept beside the Data Protection key ring (<see cref="SigningKeys"/>).
/// </summary>
public sealed class CallbackUrls
{
    public const string PathPrefix = "/callbacks/";
    public const string KeySetting = "BlazorCutout:Security:CallbackKey";
    private const string KeyFile = "callback-url.key";

    private readonly byte[] _key;

    public CallbackUrls(IConfiguration configuration, SigningKeys signingKeys)
    {
        BaseUrl = PublicBaseUrlSetting.Read(configuration);
        _key = signingKeys.Load(KeySetting, KeyFile);
    }

    public Uri? BaseUrl { get; }

    /// <summary>The callback URL of <paramref name="taskId"/>, or null without a public base URL.</summary>
    public Uri? For(Guid taskId) =>
        BaseUrl is null ? null : new Uri($"{BaseUrl.ToString().TrimEnd('/')}{PathPrefix}{taskId:D}/{HmacToken.Of(_key, Message(taskId))}");

    /// <summary>Constant-time check of a token from a request path.</summary>
    public bool Verify(Guid taskId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128) return false;
        return HmacToken.Matches(_key, Message(taskId), token);
    }

    private static string Message(Guid taskId) => $"callback:{taskId:D}";
}
