using System.Net;

namespace BlazorCutout.Web.Tests.Support;

public static class HttpAssert
{
    /// <summary>Asserts a 302 to <paramref name="expectedPath"/> (path and query, ignoring scheme and host).</summary>
    public static void RedirectsTo(HttpResponseMessage response, string expectedPath)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException("302 without a Location header");
        var actual = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
        Assert.Equal(expectedPath, actual);
    }

    public static void RedirectsToLogin(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
        Assert.Equal("/Account/Login", path);
    }
}
