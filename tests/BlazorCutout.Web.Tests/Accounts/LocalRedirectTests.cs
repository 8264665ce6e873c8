using BlazorCutout.Web.Account;

namespace BlazorCutout.Web.Tests.Accounts;

public sealed class LocalRedirectTests
{
    [Theory]
    [InlineData("/history", "/history")]
    [InlineData("/gallery?page=2", "/gallery?page=2")]
    [InlineData(null, LocalRedirect.Home)]
    [InlineData("", LocalRedirect.Home)]
    [InlineData("https://evil.example/", LocalRedirect.Home)]
    [InlineData("//evil.example/", LocalRedirect.Home)]
    [InlineData("/\\evil.example/", LocalRedirect.Home)]
    [InlineData("javascript:alert(1)", LocalRedirect.Home)]
    [InlineData("history", LocalRedirect.Home)]
    public void Only_local_paths_are_kept(string? returnUrl, string expected) =>
        Assert.Equal(expected, LocalRedirect.Sanitize(returnUrl));
}
