namespace BlazorCutout.Web.Account;

/// <summary>Keeps post-login redirects on this site: anything that is not a plain local path goes home.</summary>
public static class LocalRedirect
{
    public const string Home = "/studio";

    public static string Sanitize(string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(returnUrl))
            return Home;
        // "//host" and "/\host" are protocol-relative URLs to another site; a scheme is another site too.
        var isLocal = returnUrl.StartsWith('/')
            && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            && !returnUrl.Any(char.IsControl);
        return isLocal ? returnUrl : Home;
    }
}
