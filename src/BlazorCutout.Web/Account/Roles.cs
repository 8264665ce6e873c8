namespace BlazorCutout.Web.Account;

/// <summary>The app's roles. The first account gets <see cref="Admin"/>, every later one <see cref="Member"/>.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Member = "Member";

    public static readonly IReadOnlyList<string> All = [Admin, Member];
}
