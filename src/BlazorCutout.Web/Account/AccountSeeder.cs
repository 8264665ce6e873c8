using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Account;

/// <summary>Creates the roles, and the administrator from <c>BlazorCutout:Admin</c> when one is configured.</summary>
public sealed class AccountSeeder(
    RoleManager<IdentityRole> roles,
    UserManager<AppUser> users,
    AccountRegistrar registrar,
    IOptions<AdminSeedOptions> adminSeed,
    ILogger<AccountSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
        }

        var (email, password) = (adminSeed.Value.Email?.Trim(), adminSeed.Value.Password);
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password))
            return;

        var existing = await users.FindByEmailAsync(email);
        if (existing is null)
        {
            var result = await registrar.CreateAsync(email, password, Roles.Admin, cancellationToken);
            if (!result.Succeeded)
                throw new InvalidOperationException($"The configured administrator ({AdminSeedOptions.Section}) was refused: {string.Join(" ", result.Errors)}");
            logger.LogInformation("Seeded administrator {Email} from configuration", email);
        }
        else if (!await users.IsInRoleAsync(existing, Roles.Admin))
        {
            // The password of an existing account is never overwritten from configuration.
            Check(await users.AddToRoleAsync(existing, Roles.Admin), $"promote {email} to {Roles.Admin}");
            logger.LogInformation("Promoted {Email} to administrator from configuration", email);
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}
