using System.Net;
using BlazorCutout.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorCutout.Web.Tests.Security;

/// <summary>
/// The test server has no network peer, so every request would come from "no address". This header lets a test say
/// which address a request comes from (a proxy on loopback, a stranger on the internet); a startup filter turns it
/// into the connection's remote address before the app's own pipeline (forwarded headers, rate limits) sees it.
/// </summary>
internal static class TestPeer
{
    public const string Header = "X-Test-Peer";

    public static WebApplicationFactory<Program> WithPeerAddresses(this AppFactory app) =>
        app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddTransient<IStartupFilter, PeerFilter>()));

    public static HttpRequestMessage From(this HttpRequestMessage request, string address)
    {
        request.Headers.Add(Header, address);
        return request;
    }

    private sealed class PeerFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[Header].FirstOrDefault() ?? "127.0.0.1");
                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
