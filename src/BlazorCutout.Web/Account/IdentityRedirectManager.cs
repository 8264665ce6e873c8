using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Components;

namespace BlazorCutout.Web.Account;

/// <summary>Redirects from a statically rendered account page (login, register) after it has set cookies.</summary>
public sealed class IdentityRedirectManager(NavigationManager navigation)
{
    [DoesNotReturn]
    public void RedirectTo(string? returnUrl)
    {
        // During static rendering NavigateTo throws NavigationException, which the framework turns into
        // a 302; callers must not catch it.
        navigation.NavigateTo(LocalRedirect.Sanitize(returnUrl), forceLoad: true);
        throw new InvalidOperationException($"{nameof(IdentityRedirectManager)} can only be used during static rendering.");
    }
}
