using BlazorCutout.Web.Account.Registration;
using BlazorCutout.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Account;

/// <summary>The outcome of creating an account: the user and role, or the reasons it was refused.</summary>
public sealed record RegistrationResult(AppUser? User, string? Role, IReadOnlyList<string> Errors)
{
    public bool Succeeded => User is not null;
}

public enum RegistrationStatus
{
    /// <summary>
    /// The one answer for a new address and for one that already has an account (which is left untouched and only
    /// logged), so the form cannot tell anyone which addresses are registered.
    /// </summary>
    Accepted,
    /// <summary>The input broke a rule that does not depend on existing accounts (password length, e-mail syntax).</summary>
    Invalid,
    /// <summary>This server's registration mode, or the link used, does not allow it.</summary>
    NotAllowed,
}

public sealed record RegistrationAnswer(RegistrationStatus Status, IReadOnlyList<string> Errors);

/// <summary>
/// Creates accounts with their role in one transaction, so a failure never leaves a user without a role.
/// Who may register: the holder of the start-up setup link (the first <see cref="Roles.Admin"/>), the holder of an
/// unused invitation, or anyone when <c>BlazorCutout:Registration</c> is <c>open</c>; everyone but the first is a
/// <see cref="Roles.Member"/>.
/// </summary>
public sealed class AccountRegistrar(
    UserManager<AppUser> users,
    AppDbContext db,
    AdminSetupLink setupLink,
    Invitations invitations,
    IOptions<RegistrationOptions> options,
    ILogger<AccountRegistrar> logger)
{
    public const string InvalidInvitation = "This invitation link is not valid: it was used already, has expired, or was copied wrong. Ask for a new one.";
    public const string InvalidSetupLink = "This set-up link is not valid: it works once and only until the server restarts. Use the link in the latest start-up log.";
    public const string ByInvitationOnly = "Registration on this server is by invitation: ask an administrator for a link.";
    public const string Closed = "Registration is closed on this server.";

    // Redeeming a link and creating the account must not interleave with another registration using the same link.
    // One process owns the SQLite file, so an in-process gate is enough.
    private static readonly SemaphoreSlim RegistrationGate = new(1, 1);

    /// <summary>Why the register form cannot be used with these links, checked before anyone types (null: it can).</summary>
    public string? WhyNotAllowed(string? setupToken, string? invitationToken)
    {
        if (!string.IsNullOrEmpty(setupToken))
            return setupLink.Matches(setupToken) ? null : InvalidSetupLink;
        if (!string.IsNullOrEmpty(invitationToken))
            return options.Value.Mode == RegistrationMode.Closed ? Closed : null;
        return options.Value.Mode switch
        {
            RegistrationMode.Open => null,
            RegistrationMode.Invite => ByInvitationOnly,
            _ => Closed,
        };
    }

    public async Task<RegistrationAnswer> RegisterAsync(string email, string password, string? setupToken, string? invitationToken, CancellationToken cancellationToken = default)
    {
        email = email.Trim();
        if (WhyNotAllowed(setupToken, invitationToken) is { } notAllowed)
            return new(RegistrationStatus.NotAllowed, [notAllowed]);

        await RegistrationGate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var viaSetup = setupLink.Matches(setupToken); // again, inside the gate: it may have been used meanwhile
            if (!string.IsNullOrEmpty(setupToken) && !viaSetup)
                return new(RegistrationStatus.NotAllowed, [InvalidSetupLink]);
            var viaInvitation = !viaSetup && !string.IsNullOrEmpty(invitationToken);
            var invitation = viaInvitation ? await invitations.TryRedeemAsync(db, invitationToken, cancellationToken) : null;
            if (viaInvitation && invitation is null)
                return new(RegistrationStatus.NotAllowed, [InvalidInvitation]);
            var role = viaSetup ? Roles.Admin : Roles.Member;

            var (user, created) = await CreateWithRoleAsync(email, password, role);
            if (!created.Succeeded)
            {
                // Identity checks the password before the address, so only a valid request gets here for a taken address.
                if (!created.Errors.All(IsDuplicate))
                    return new(RegistrationStatus.Invalid, Describe(created));
                if (viaInvitation)
                    await transaction.CommitAsync(cancellationToken); // the invitation is spent either way: its use says nothing
                logger.LogInformation("Registration for an address that already has an account (via {Via}); answered as for a new one and nothing changed",
                    viaSetup ? "set-up link" : viaInvitation ? "invitation" : "open registration");
                return new(RegistrationStatus.Accepted, []);
            }
            if (invitation is not null)
                await invitations.CompleteAsync(db, invitation, user.Id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (viaSetup) setupLink.Close();
            logger.LogInformation("Created account {UserId} with role {Role} via {Via}", user.Id, role,
                viaSetup ? "set-up link" : viaInvitation ? "invitation" : "open registration");
            return new(RegistrationStatus.Accepted, []);
        }
        finally
        {
            RegistrationGate.Release();
        }
    }

    /// <summary>An account with a fixed role, for the administrator from configuration (no mode, no link).</summary>
    public async Task<RegistrationResult> CreateAsync(string email, string password, string role, CancellationToken cancellationToken = default)
    {
        email = email.Trim();
        await RegistrationGate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var (user, created) = await CreateWithRoleAsync(email, password, role);
            if (!created.Succeeded)
                return new(null, null, Describe(created));
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Created account {UserId} with role {Role}", user.Id, role);
            return new(user, role, []);
        }
        finally
        {
            RegistrationGate.Release();
        }
    }

    // Inside the caller's transaction: a refused role rolls the user row back as the transaction is disposed.
    private async Task<(AppUser User, IdentityResult Result)> CreateWithRoleAsync(string email, string password, string role)
    {
        var user = new AppUser { UserName = email, Email = email };
        var created = await users.CreateAsync(user, password);
        return (user, created.Succeeded ? await users.AddToRoleAsync(user, role) : created);
    }

    private static bool IsDuplicate(IdentityError error) =>
        error.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail);

    private static IReadOnlyList<string> Describe(IdentityResult result) => result.Errors.Select(Describe).Distinct().ToList();

    // Identity reports a taken e-mail twice (as user name and as e-mail); people need to read it once.
    private static string Describe(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)
            => "An account with this e-mail address already exists.",
        nameof(IdentityErrorDescriber.InvalidUserName) or nameof(IdentityErrorDescriber.InvalidEmail)
            => "This is not a valid e-mail address.",
        nameof(IdentityErrorDescriber.PasswordTooShort) => PasswordRules.TooShort,
        _ => error.Description,
    };
}
