using MudBlazor.Services;
using BlazorCutout.Web.Account;
using BlazorCutout.Web.Admin;
using BlazorCutout.Web.Admin.Providers;
using BlazorCutout.Web.Data;
using BlazorCutout.Web.Tasks;
using Radzen;

namespace BlazorCutout.Web.Infrastructure;

public static class WebApplicationBuilderExtensions
{
    /// <summary>The web project's one DI root: every service the app needs is registered from here.</summary>
    public static WebApplicationBuilder AddBlazorCutoutWeb(this WebApplicationBuilder builder)
    {
        // Development does this by itself. Elsewhere a built-but-not-published app needs it to serve
        // _content/Radzen.Blazor/* and the top-level wwwroot from their source folders; a published app
        // has them copied into its own wwwroot and has no manifest, so this is then a no-op.
        if (!builder.Environment.IsDevelopment())
            builder.WebHost.UseStaticWebAssets();

        var dataDirectory = DataDirectory.Resolve(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(dataDirectory);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<DataOptions>(builder.Configuration.GetSection(DataOptions.Section));

        // A persisted key ring: auth cookies, antiforgery tokens and stored provider keys stay readable across restarts.
        KeyRing.Resolve(builder.Configuration, builder.Environment, dataDirectory).AddTo(builder.Services);

        builder.Services.AddDataStore(dataDirectory);
        builder.Services.AddAccounts(builder.Configuration);
        builder.Services.AddApiAuthorization(); // 401/403 instead of the login redirect for endpoints marked RequireSignedInApi
        builder.Services.AddAdmin();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddRadzenComponents();
        builder.Services.AddMudServices(); // the admin pages (usage, users) are MudBlazor
        builder.Services.AddScoped<BlazorCutout.Web.Shared.BrowserTimeZone>(); // the user's time zone, asked once per circuit

        // Features register here, one extension method each.
        builder.Services.AddTasks(builder.Configuration, dataDirectory);
        builder.Services.AddProviderSettings(); // admin-edited provider settings over Providers:<Id>
        return builder;
    }
}
