using System.Collections.Concurrent;
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

    private static readonly ConcurrentDictionary<string, int> LockoutsInARow = new();
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
                LockoutsInARow.TryRemove(user.Id, out _);
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
        var inARow = LockoutsInARow.AddOrUpdate(user.Id, 1, (_, n) => Math.Min(n + 1, 20));
        var max = TimeSpan.FromMinutes(Math.Max(1, security.Value.LockoutMinutes));
        var length = TimeSpan.FromTicks(Math.Min(max.Ticks, FirstLockout.Ticks << (inARow - 1)));
        await users.SetLockoutEndDateAsync(user, clock.GetUtcNow() + length);
    }
}
