namespace BlazorCutout.Web.Account.Registration;

/// <summary>Who may create an account (<c>BlazorCutout:Registration</c>). The first administrator never comes from any of these.</summary>
public enum RegistrationMode
{
    /// <summary>Only with an invitation link made by an administrator. The default.</summary>
    Invite,
    /// <summary>Anyone who reaches the server, as a member; invitations work too. For a private network.</summary>
    Open,
    /// <summary>Nobody: no self-registration and no invitations (the first-administrator setup link still works).</summary>
    Closed,
}
