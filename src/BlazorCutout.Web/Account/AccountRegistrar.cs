using BlazorCutout.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BlazorCutout.Web.Account;

/// <summary>The outcome of creating an account: the user and role, or the reasons it was refused.</summary>
public sealed record RegistrationResult(AppUser? User, string? Role, IReadOnlyList<string> Errors)
{
    public bool Succeeded => User is not null;
}

/// <summary>
/// Creates accounts with their role in one transaction, so a failure never leaves a user without a role.
/// The first account becomes <see cref="Roles.Admin"/>, every later one <see cref="Roles.Member"/>.
/// </summary>
public sealed class AccountRegistrar(UserManager<AppUser> users, AppDbContext db, ILogger<AccountRegistrar> logger)
{
    // "Is this the first account?" and the insert must not interleave, or two simultaneous first sign-ups
    // would both become Admin. One process owns the SQLite file, so an in-process gate is enough.
    private static readonly SemaphoreSlim FirstAccountGate = new(1, 1);

    public async Task<RegistrationResult> RegisterAsync(string email, string password, CancellationToken cancellationToken = default)
        => await CreateAsync(email, password, role: null, cancellationToken);

    /// <param name="role">A fixed role, or null for "Admin if this is the first account, else Member".</param>
    public async Task<RegistrationResult> CreateAsync(string email, string password, string? role, CancellationToken cancellationToken = default)
    {
        email = email.Trim();
        await FirstAccountGate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            role ??= await db.Users.AnyAsync(cancellationToken) ? Roles.Member : Roles.Admin;

            var user = new AppUser { UserName = email, Email = email };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
                return Refused(created);

            var added = await users.AddToRoleAsync(user, role);
            if (!added.Succeeded)
                return Refused(added); // the transaction rolls back the user row as it is disposed

            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Created account {UserId} with role {Role}", user.Id, role);
            return new RegistrationResult(user, role, []);
        }
        finally
        {
            FirstAccountGate.Release();
        }
    }

    private static RegistrationResult Refused(IdentityResult result) =>
        new(null, null, result.Errors.Select(Describe).Distinct().ToList());

    // Identity reports a taken e-mail twice (as user name and as e-mail); people need to read it once.
    private static string Describe(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)
            => "An account with this e-mail address already exists.",
        nameof(IdentityErrorDescriber.InvalidUserName) or nameof(IdentityErrorDescriber.InvalidEmail)
            => "This is not a valid e-mail address.",
        _ => error.Description,
    };
}
