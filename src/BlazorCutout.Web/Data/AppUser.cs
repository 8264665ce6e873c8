using Microsoft.AspNetCore.Identity;

namespace BlazorCutout.Web.Data;

/// <summary>An account. The user name is always the e-mail address.</summary>
public sealed class AppUser : IdentityUser
{
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
}
