namespace BlazorCutout.Web.Infrastructure;

/// <summary><c>BlazorCutout:Data</c>: where the app keeps its database, keys and (later) assets.</summary>
public sealed class DataOptions
{
    public const string Section = "BlazorCutout:Data";

    /// <summary>Absolute or content-root-relative folder. Empty: the user's local application data folder.</summary>
    public string? Directory { get; set; }
}

/// <summary><c>BlazorCutout:Admin</c>: an administrator account created (or promoted) at start-up when both values are set.</summary>
public sealed class AdminSeedOptions
{
    public const string Section = "BlazorCutout:Admin";

    public string? Email { get; set; }
    public string? Password { get; set; }
}

/// <summary><c>BlazorCutout:Security</c>: sign-in hardening.</summary>
public sealed class SecurityOptions
{
    public const string Section = "BlazorCutout:Security";

    /// <summary>Wrong passwords in a row before the account is locked.</summary>
    public int MaxFailedAccessAttempts { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;
}
