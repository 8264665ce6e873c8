namespace BlazorCutout.Providers.Security;

public enum UrlRefusal
{
    NotAbsolute,
    SchemeNotAllowed,
    UserInfo,
    PortNotAllowed,
    MissingHost,
    ForbiddenAddress,
    HostNotResolved,
    TooManyRedirects,
    InvalidRedirect,
}

/// <summary>The URL guard said no. Always permanent: asking again would get the same answer.</summary>
public sealed class UrlRefusedException(UrlRefusal refusal, string message, AddressCategory? category = null)
    : ProviderException(ProviderErrorCode.UrlRefused, message, isTransient: false, providerDetail: refusal.ToString())
{
    public UrlRefusal Refusal { get; } = refusal;

    /// <summary>Set when <see cref="Refusal"/> is <see cref="UrlRefusal.ForbiddenAddress"/>.</summary>
    public AddressCategory? Category { get; } = category;
}
