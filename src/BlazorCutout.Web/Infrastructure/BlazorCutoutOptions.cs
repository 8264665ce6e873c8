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

    /// <summary>Wrong passwords in a row before the account is locked (briefly: see <c>AccountSignIn</c>).</summary>
    public int MaxFailedAccessAttempts { get; set; } = 5;

    /// <summary>The longest an account stays locked; lock-outs start at 30 s and double up to this.</summary>
    public int LockoutMinutes { get; set; } = 5;
}

/// <summary>
/// <c>BlazorCutout:DataProtection</c>: where the Data Protection key ring lives and the certificate that encrypts it at
/// rest. Nothing set: the key ring is kept unencrypted in <c>&lt;data&gt;/keys</c>, as before.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "BlazorCutout:DataProtection";

    /// <summary>Absolute or content-root-relative folder. Empty: <c>&lt;data&gt;/keys</c>.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>A PFX/PKCS#12 file with an RSA private key; new keys are encrypted with it.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Certificates that only decrypt: the ones keys were encrypted with before the current one.</summary>
    public List<CertificateFileOptions> PreviousCertificates { get; set; } = [];
}

public sealed class CertificateFileOptions
{
    public string? Path { get; set; }
    public string? Password { get; set; }
}
