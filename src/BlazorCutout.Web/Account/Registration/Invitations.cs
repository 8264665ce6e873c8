using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Data.Teams;
using BlazorCutout.Web.Data.Accounts;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Account.Registration;

/// <summary>A fresh invitation: the link's token (shown once, never stored) and when it stops working.</summary>
/// <summary>An invitation a registration just spent, inside its transaction: what <see cref="Invitations.CompleteAsync"/> needs.</summary>
public sealed record RedeemedInvitation(Guid Id, Guid? TeamId);

public enum InvitationState { Open, Used, Expired }

/// <summary>One row of the invitations list: who made it, for which team, when, and what became of it.</summary>
public sealed record InvitationView(Guid Id, string CreatedBy, string? Team, DateTime CreatedUtc, DateTime ExpiresUtc, DateTime? UsedUtc,
    string? UsedBy, InvitationState State);

public sealed record Invitation(string Token, DateTime ExpiresUtc)
{
    public const string QueryName = "invite";
    public string RelativeLink => $"Account/Register?{QueryName}={Token}";
}

/// <summary>Makes single-use, expiring invitation links and redeems them inside a registration's transaction.</summary>
public sealed class Invitations(IDbContextFactory<AppDbContext> contexts, IOptions<RegistrationOptions> options, TimeProvider clock, ILogger<Invitations> logger)
{
    /// <summary>
    /// Who may invite. Today: administrators (to the server, or to a team, which the new account then joins). The seam
    /// for team leads inviting to their own team is here and in <see cref="CreateAsync"/>'s team check.
    /// </summary>
    public static bool MayInvite(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    /// <summary>The invitations shown in the admin list: newest first, at most this many.</summary>
    public const int ListLimit = 200;

    /// <param name="teamId">The team the new account joins as a member; null for none.</param>
    public async Task<Invitation> CreateAsync(ClaimsPrincipal creator, Guid? teamId = null, CancellationToken cancellationToken = default)
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
            TeamId = teamId,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (teamId is { } team && !await db.Teams.AnyAsync(t => t.Id == team, cancellationToken))
            throw new ArgumentException("That team no longer exists; choose another or none.", nameof(teamId));
        db.Invitations.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("User {UserId} made invitation {InvitationId}, valid until {ExpiresUtc:u}", creatorId, record.Id, record.ExpiresUtc);
        return new Invitation(token, record.ExpiresUtc);
    }

    /// <summary>Marks a valid, unused, unexpired invitation used in <paramref name="db"/>'s current transaction; null otherwise.</summary>
    internal async Task<RedeemedInvitation?> TryRedeemAsync(AppDbContext db, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100) return null;
        var hash = Hash(token.Trim());
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await db.Invitations.Where(i => i.TokenHash == hash)
            .Select(i => new RedeemedInvitation(i.Id, i.TeamId)).FirstOrDefaultAsync(cancellationToken);
        if (found is null) return null;
        // One UPDATE guarded by "unused and unexpired": two registrations racing on one link cannot both win.
        var redeemed = await db.Invitations
            .Where(i => i.Id == found.Id && i.UsedUtc == null && i.ExpiresUtc > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedUtc, now), cancellationToken);
        return redeemed == 1 ? found : null;
    }

    /// <summary>
    /// In the registration's transaction, once its account exists: the invitation names the account it made, and a team
    /// invitation makes the account a member of the team (unless the team was deleted meanwhile).
    /// </summary>
    internal async Task CompleteAsync(AppDbContext db, RedeemedInvitation invitation, string userId, CancellationToken cancellationToken)
    {
        await db.Invitations.Where(i => i.Id == invitation.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedById, userId), cancellationToken);
        if (invitation.TeamId is { } teamId && await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
        {
            db.TeamMemberships.Add(new TeamMembership { TeamId = teamId, UserId = userId, Role = TeamRole.Member, AddedUtc = clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>The teams an invitation can be for, by name.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> TeamsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        return teams.Select(t => (t.Id, t.Name)).ToList();
    }

    /// <summary>The newest invitations, made, used and expired, with the people and teams they name (for administrators).</summary>
    public async Task<IReadOnlyList<InvitationView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await (
            from i in db.Invitations.AsNoTracking()
            join c in db.Users on i.CreatedById equals c.Id
            join u in db.Users on i.UsedById equals u.Id into used
            from u in used.DefaultIfEmpty()
            join t in db.Teams on i.TeamId equals t.Id into teams
            from t in teams.DefaultIfEmpty()
            orderby i.CreatedUtc descending
            select new { i.Id, CreatedBy = c.Email, Team = t == null ? null : t.Name, i.CreatedUtc, i.ExpiresUtc, i.UsedUtc, UsedBy = u == null ? null : u.Email })
            .Take(ListLimit).ToListAsync(cancellationToken);
        return rows.Select(r => new InvitationView(r.Id, r.CreatedBy ?? "", r.Team, r.CreatedUtc, r.ExpiresUtc, r.UsedUtc, r.UsedBy,
            r.UsedUtc is not null ? InvitationState.Used : r.ExpiresUtc <= now ? InvitationState.Expired : InvitationState.Open)).ToList();
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
}
