namespace BlazorCutout.Web.Account.Registration;

/// <summary>
/// <c>BlazorCutout:Registration</c> (a single value: <c>invite</c>, <c>open</c> or <c>closed</c>) and
/// <c>BlazorCutout:Invitations:LifetimeHours</c>. Checked at start: an unknown mode stops the app rather than
/// silently opening or closing it.
/// </summary>
public sealed class RegistrationOptions
{
    public const string ModeKey = "BlazorCutout:Registration";
    public const string LifetimeKey = "BlazorCutout:Invitations:LifetimeHours";

    public RegistrationMode Mode { get; set; } = RegistrationMode.Invite;

    /// <summary>How long an invitation link stays usable (once).</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Reads both keys; null and a list of problems when a value is not understood.</summary>
    public static (RegistrationOptions Options, string? Problem) Read(IConfiguration configuration)
    {
        var options = new RegistrationOptions();
        var mode = configuration[ModeKey]?.Trim();
        if (!string.IsNullOrEmpty(mode))
        {
            if (!Enum.TryParse<RegistrationMode>(mode, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(mode, out _))
                return (options, $"{ModeKey} is '{mode}': use open, invite or closed.");
            options.Mode = parsed;
        }
        var hours = configuration[LifetimeKey]?.Trim();
        if (!string.IsNullOrEmpty(hours))
        {
            if (!double.TryParse(hours, System.Globalization.CultureInfo.InvariantCulture, out var h) || h <= 0 || h > 24 * 90)
                return (options, $"{LifetimeKey} is '{hours}': use a number of hours between 0 and 2160.");
            options.InvitationLifetime = TimeSpan.FromHours(h);
        }
        return (options, null);
    }
}
