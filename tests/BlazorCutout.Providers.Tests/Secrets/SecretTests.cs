using System.Net;
using System.Text.Json;
using BlazorCutout.Providers.Resilience;
using BlazorCutout.Providers.Secrets;
using BlazorCutout.Providers.Security;
using BlazorCutout.Providers.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace BlazorCutout.Providers.Tests.Secrets;

public class SecretTests
{
    private const string Key = "sk-live-abcdefghijklmnop1a2b";

    private sealed class KeyOptions
    {
        public Secret? ApiKey { get; set; }
    }

    [Theory]
    [InlineData(Key, "sk-…1a2b")]
    [InlineData("abcdefghijklmnopqrstu9z8y", "…9z8y")]
    [InlineData("short-key", "…")]
    [InlineData("", "(empty)")]
    public void Masks_keeping_only_a_prefix_and_the_last_four(string value, string expected) =>
        Assert.Equal(expected, new Secret(value).ToString());

    [Fact]
    public void Interpolation_and_json_show_the_mask_only()
    {
        var secret = new Secret(Key);
        Assert.DoesNotContain(Key, $"key={secret}");
        var json = JsonSerializer.Serialize(new KeyOptions { ApiKey = secret });
        Assert.DoesNotContain(Key, json);
        Assert.Equal("sk-…1a2b", JsonDocument.Parse(json).RootElement.GetProperty("ApiKey").GetString());
        Assert.Equal(Key, secret.Reveal());
    }

    [Fact]
    public void Binds_from_configuration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["P:ApiKey"] = " " + Key + " " }).Build();
        var options = config.GetSection("P").Get<KeyOptions>()!;
        Assert.Equal(Key, options.ApiKey!.Reveal());

        var empty = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["P:ApiKey"] = "" }).Build();
        Assert.Null(empty.GetSection("P").Get<KeyOptions>()?.ApiKey);
    }

    [Fact]
    public void Redacts_sensitive_query_values_and_user_info()
    {
        var url = new Uri("https://user:pw@cdn.example/out/a.png?X-Amz-Signature=deadbeef&api_key=" + Key + "&w=100");
        var redacted = Redactor.RedactUrl(url);
        Assert.Equal("https://cdn.example/out/a.png?X-Amz-Signature=***&api_key=***&w=100", redacted);
    }

    [Fact]
    public void Redacts_secrets_echoed_in_text() =>
        Assert.Equal("invalid key sk-…1a2b", Redactor.RedactSecrets("invalid key " + Key, new Secret(Key)));

    [Fact]
    public async Task Logging_handler_logs_the_call_but_not_the_key()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/api/tasks", (HttpContext ctx) =>
            ctx.Request.Headers.Authorization == "Bearer " + Key ? Results.Ok() : Results.Unauthorized()));
        var logs = new CapturingLoggerProvider();
        var guard = new UrlGuard(new UrlGuardOptions { AllowHttp = true, AllowedTestEndpoints = [server.Endpoint] });
        var factory = new ProviderHttpClientFactory(new SafeHttpHandlerFactory(guard), logs);
        using var client = factory.CreateClient(Descriptors.Remote("picwish-test"), server.BaseUri);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/tasks?token=" + Key) { Content = new StringContent("{}") };
        request.Headers.Authorization = new("Bearer", new Secret(Key).Reveal());
        request.Headers.Add("X-API-KEY", Key);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("picwish-test HTTP POST http://" + server.Endpoint + "/api/tasks?token=*** -> 200", logs.All);
        Assert.DoesNotContain(Key, logs.All);
        Assert.DoesNotContain("1a2b", logs.All.Replace("…1a2b", ""));
    }
}
