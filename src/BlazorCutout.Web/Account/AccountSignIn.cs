using System.Diagnostics;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Account;

/// <summary>
/// Password sign-in that tells nothing by its timing and cannot be used to keep a known user out for long.
/// <list type="bullet">
/// <item>An unknown address still verifies a password hash (as a known one does), and every failure is padded to
/// <see cref="FailureFloor"/>, so "no such account" and "wrong password" take the same time.</item>
/// <item>Guessing is throttled first per client address (the rate limiter on the form's POST); the account's own
/// lock-out after <c>MaxFailedAccessAttempts</c> is short and grows: 30 s, 1 min, 2 min … up to
/// <c>BlazorCutout:Security:LockoutMinutes</c>, and a successful sign-in resets it.</item>
/// </list>
/// </summary>
/// <remarks>
/// Identity keeps the failed attempts (<c>AccessFailedCount</c>) and the lock's end (<c>LockoutEnd</c>) in the users
/// table; how many lock-outs came in a row it has no column for (it zeroes <c>AccessFailedCount</c> at each lock), so
/// that number is kept in Identity's own per-user token store (<c>AspNetUserTokens</c>): a restart does not reset the
/// growth, and no schema change is needed.
/// </remarks>
public sealed class AccountSignIn(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    IPasswordHasher<AppUser> hasher,
    IOptions<SecurityOptions> security,
    TimeProvider clock)
{
    /// <summary>Longer than a PBKDF2 verification plus the lock-out bookkeeping on this kind of machine.</summary>
    public static readonly TimeSpan FailureFloor = TimeSpan.FromMilliseconds(400);
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);

    private const string TokenProvider = "BlazorCutout";
    private const string LockoutsInARowToken = "LockoutsInARow";
    private static string? _dummyHash;

    public async Task<SignInResult> PasswordSignInAsync(string email, string password, bool remember)
    {
        var started = Stopwatch.GetTimestamp();
        var user = await users.FindByEmailAsync(email.Trim());
        SignInResult result;
        if (user is null)
        {
            // The same work a known account costs: one hash verification.
            hasher.VerifyHashedPassword(new AppUser(), _dummyHash ??= hasher.HashPassword(new AppUser(), Guid.NewGuid().ToString()), password);
            result = SignInResult.Failed;
        }
        else
        {
            var wasLocked = await users.IsLockedOutAsync(user);
            result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
            if (result.Succeeded)
                await users.RemoveAuthenticationTokenAsync(user, TokenProvider, LockoutsInARowToken);
            else if (result.IsLockedOut && !wasLocked)
                await SetGrowingLockoutAsync(user); // this failure just locked it
        }
        if (!result.Succeeded)
        {
            var remaining = FailureFloor - Stopwatch.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        }
        return result;
    }

    private async Task SetGrowingLockoutAsync(AppUser user)
    {
        var before = int.TryParse(await users.GetAuthenticationTokenAsync(user, TokenProvider, LockoutsInARowToken), out var n) ? n : 0;
        var inARow = Math.Clamp(before + 1, 1, 20);
        await users.SetAuthenticationTokenAsync(user, TokenProvider, LockoutsInARowToken, inARow.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var max = TimeSpan.FromMinutes(Math.Max(1, security.Value.LockoutMinutes));
        var length = TimeSpan.FromTicks(Math.Min(max.Ticks, FirstLockout.Ticks << (inARow - 1)));
        await users.SetLockoutEndDateAsync(user, clock.GetUtcNow() + length);
    }
}
