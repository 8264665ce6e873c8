using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using Radzen;

namespace BlazorCutout.Web.Tests.Components;

/// <summary>
/// Renders a component to HTML with Blazor's HtmlRenderer (bUnit is not obtainable here): Radzen's services,
/// a JS runtime that does nothing, a fixed URL and a chosen signed-in user. Markup only, no events.
/// </summary>
public sealed class ComponentRenderer : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly HtmlRenderer renderer;

    public ComponentRenderer(ClaimsPrincipal user, string uri = "http://localhost/studio")
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddRadzenComponents();
        collection.AddAuthorizationCore();
        collection.AddSingleton<IJSRuntime, NoOpJSRuntime>();
        collection.AddSingleton<NavigationManager>(new FixedNavigationManager(uri));
        collection.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationStateProvider(user));
        services = collection.BuildServiceProvider();
        renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
    }

    public static ClaimsPrincipal SignedIn(string name, params string[] roles) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, name), .. roles.Select(role => new Claim(ClaimTypes.Role, role))],
        authenticationType: "Test"));

    /// <summary>Renders <typeparamref name="TComponent"/> inside a cascading authentication state.</summary>
    public Task<string> RenderAsync<TComponent>() where TComponent : IComponent =>
        renderer.Dispatcher.InvokeAsync(async () =>
        {
            RenderFragment child = builder =>
            {
                builder.OpenComponent<TComponent>(0);
                builder.CloseComponent();
            };
            var output = await renderer.RenderComponentAsync<CascadingAuthenticationState>(
                ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(CascadingAuthenticationState.ChildContent)] = child }));
            return output.ToHtmlString();
        });

    public async ValueTask DisposeAsync()
    {
        await renderer.DisposeAsync();
        await services.DisposeAsync();
    }

    private sealed class FixedNavigationManager : NavigationManager
    {
        public FixedNavigationManager(string uri) => Initialize("http://localhost/", uri);
    }

    private sealed class FixedAuthenticationStateProvider(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    private sealed class NoOpJSRuntime : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult<TValue>(default!);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => ValueTask.FromResult<TValue>(default!);
    }
}
