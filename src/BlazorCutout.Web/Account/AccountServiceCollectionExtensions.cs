using BlazorCutout.Providers;
using BlazorCutout.Web.Account.Registration;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Account;

public static class AccountServiceCollectionExtensions
{
    public const string AuthCookieName = "BlazorCutout.Auth";

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AdminSeedOptions>(configuration.GetSection(AdminSeedOptions.Section));
        services.Configure<SecurityOptions>(configuration.GetSection(SecurityOptions.Section));

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AccountRegistrar>();
        services.AddScoped<AccountSignIn>();
        services.AddScoped<Invitations>();
        services.AddSingleton<AdminSetupLink>();
        services.AddHostedService(sp => sp.GetRequiredService<AdminSetupLink>());
        var (registration, problem) = RegistrationOptions.Read(configuration);
        services.AddOptions<RegistrationOptions>()
            .Configure(o => { o.Mode = registration.Mode; o.InvitationLifetime = registration.InvitationLifetime; })
            .Validate(_ => problem is null, problem ?? "")
            .ValidateOnStart();
        services.AddScoped<AccountSeeder>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthorization();

        services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = false; // no mail server in a self-hosted install
                options.Password.RequiredLength = PasswordRules.MinimumLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddOptions<IdentityOptions>().Configure<IOptions<SecurityOptions>>((identity, security) =>
        {
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = security.Value.MaxFailedAccessAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = AccountSignIn.FirstLockout; // AccountSignIn makes it grow
        });

        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = AuthCookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is https (behind a proxy: once forwarded headers say so), and always when
            // the public address is https: a cookie set there must never travel over plain http.
            cookie.Cookie.SecurePolicy = PublicBaseUrlSetting.Read(configuration)?.Scheme == Uri.UriSchemeHttps
                ? CookieSecurePolicy.Always
                : CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/Account/Login";
            cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
            cookie.SlidingExpiration = true;
            // A signed-in user without the role gets a real 403 (rendered by the status page) instead of a
            // redirect, so the address bar keeps the page they asked for.
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        return services;
    }
}
