using System.Net;
using BlazorCutout.Web.Tests.Support;

namespace BlazorCutout.Web.Tests.Security;

public sealed class EndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/no/such/path")]
    [InlineData("/wp-login.php")]
    public async Task A_post_to_an_unknown_path_is_404_not_400(string path)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.PostAsync(path, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_post_to_a_known_form_without_its_token_is_still_400()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
