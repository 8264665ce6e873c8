namespace BlazorCutout.Web.Account;

/// <summary>
/// Length is what makes a password hard to guess; composition rules (upper case, digit, symbol) mostly produce
/// "Password1!". So: at least 12 characters, anything goes (NIST SP 800-63B's advice).
/// </summary>
public static class PasswordRules
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 100;
    public const string TooShort = "The password must be 12 to 100 characters long.";
    public const string Hint = "At least 12 characters. A few unrelated words make a good one.";
}
