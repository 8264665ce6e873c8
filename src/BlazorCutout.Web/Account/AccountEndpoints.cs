using BlazorCutout.Web.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace BlazorCutout.Web.Account;

public static class AccountEndpoints
{
    public const string LogoutPath = "/Account/Logout";

    /// <summary>
    /// Log-out is a plain form POST rather than a page, so it works from the interactive layout: clearing the
    /// cookie needs a real HTTP response. The antiforgery token stops other sites from logging people out.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(LogoutPath, async (HttpContext context, SignInManager<AppUser> signIn) =>
            {
                // UseAntiforgery validates endpoints carrying RequireAntiforgeryToken but leaves the verdict to the endpoint.
                if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
                    return Results.BadRequest("The form has expired or did not come from this site. Reload the page and try again.");
                await signIn.SignOutAsync();
                return Results.LocalRedirect("~/Account/Login");
            })
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }
}
