using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Accounts;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Account.Registration;

/// <summary>A fresh invitation: the link's token (shown once, never stored) and when it stops working.</summary>
public sealed record Invitation(string Token, DateTime ExpiresUtc)
{
    public const string QueryName = "invite";
    public string RelativeLink => $"Account/Register?{QueryName}={Token}";
}

/// <summary>Makes single-use, expiring invitation links and redeems them inside a registration's transaction.</summary>
public sealed class Invitations(IDbContextFactory<AppDbContext> contexts, IOptions<RegistrationOptions> options, TimeProvider clock, ILogger<Invitations> logger)
{
    /// <summary>
    /// Who may invite. Today: administrators. The seam for teams: a team lead may invite to their own team, which
    /// needs the team on the invitation (a column and a check here) once the Teams model exists.
    /// </summary>
    public static bool MayInvite(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    public async Task<Invitation> CreateAsync(ClaimsPrincipal creator, CancellationToken cancellationToken = default)
    {
        if (!MayInvite(creator))
            throw new UnauthorizedAccessException("Only administrators can invite.");
        var creatorId = creator.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new UnauthorizedAccessException("Not signed in.");
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        var record = new InvitationRecord
        {
            Id = Guid.NewGuid(),
            TokenHash = Hash(token),
            CreatedById = creatorId,
            CreatedUtc = now,
            ExpiresUtc = now + options.Value.InvitationLifetime,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Invitations.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("User {UserId} made invitation {InvitationId}, valid until {ExpiresUtc:u}", creatorId, record.Id, record.ExpiresUtc);
        return new Invitation(token, record.ExpiresUtc);
    }

    /// <summary>Marks a valid, unused, unexpired invitation used in <paramref name="db"/>'s current transaction; false otherwise.</summary>
    internal async Task<bool> TryRedeemAsync(AppDbContext db, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100) return false;
        var hash = Hash(token.Trim());
        var now = clock.GetUtcNow().UtcDateTime;
        // One UPDATE guarded by "unused and unexpired": two registrations racing on one link cannot both win.
        var redeemed = await db.Invitations
            .Where(i => i.TokenHash == hash && i.UsedUtc == null && i.ExpiresUtc > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedUtc, now), cancellationToken);
        return redeemed == 1;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
}
