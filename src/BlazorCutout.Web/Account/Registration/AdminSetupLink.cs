using System.Security.Cryptography;
using System.Text;
using BlazorCutout.Providers;
using BlazorCutout.Web.Data;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Account.Registration;

/// <summary>
/// How a fresh install gets its first administrator without letting whoever arrives first claim it: while no
/// administrator exists, each start makes a random one-time link and prints it in the start-up log, which only the
/// person running the server reads. The token lives in memory only: a restart replaces it, using it ends it.
/// (<c>BlazorCutout:Admin:Email</c>/<c>:Password</c> is the other way; with an administrator seeded there is no link.)
/// </summary>
public sealed class AdminSetupLink(
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    IServer server,
    IConfiguration configuration,
    ILogger<AdminSetupLink> logger) : IHostedService
{
    public const string QueryName = "setup";
    private readonly Lock _gate = new();
    private byte[]? _token;

    public bool IsOpen
    {
        get { lock (_gate) return _token is not null; }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var hasAdmin = await db.UserRoles.Join(db.Roles.Where(r => r.Name == Roles.Admin), ur => ur.RoleId, r => r.Id, (ur, _) => ur).AnyAsync(cancellationToken);
        if (hasAdmin) return;
        var token = RandomNumberGenerator.GetBytes(32);
        lock (_gate) _token = token;
        // After the server listens, so the link can name a real address.
        lifetime.ApplicationStarted.Register(() => Announce(WebEncoders.Base64UrlEncode(token)));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Constant-time, so a guess says nothing about how close it was.</summary>
    public bool Matches(string? token)
    {
        if (string.IsNullOrEmpty(token)) return false;
        lock (_gate)
            return _token is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(WebEncoders.Base64UrlEncode(_token)), Encoding.ASCII.GetBytes(token));
    }

    /// <summary>Ends the link once the administrator exists.</summary>
    public void Close()
    {
        lock (_gate) _token = null;
    }

    private void Announce(string token)
    {
        var path = $"/Account/Register?{QueryName}={token}";
        var baseUrl = PublicBaseUrlSetting.Read(configuration)?.ToString().TrimEnd('/')
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost");
        // Warning, so it shows with the default log levels; the token is a one-time credential meant for this log only.
        logger.LogWarning("No administrator yet. Create the first one at {SetupLink} (works once, until the next restart; or set BlazorCutout:Admin:Email and :Password)",
            (baseUrl ?? "") + path);
    }
}
