using System.Security.Claims;
using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Providers.Local;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using Radzen;

namespace BlazorCutout.Web.Tests.Studio;

/// <summary>Renders Studio/History components with parameters (HtmlRenderer: markup only) over a task service double.</summary>
public sealed class StudioRenderer : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly HtmlRenderer renderer;

    public StudioRenderer(FakeTaskService? tasks = null)
    {
        Tasks = tasks ?? new FakeTaskService();
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "user-1"), new Claim(ClaimTypes.Name, "member@example.test")], "Test"));
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddRadzenComponents();
        collection.AddAuthorizationCore();
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton<IJSRuntime, NoOpJSRuntime>();
        collection.AddSingleton<NavigationManager>(new FixedNavigationManager());
        collection.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationStateProvider(user));
        collection.AddSingleton<ITaskService>(Tasks);
        collection.AddSingleton<ITaskEvents>(Tasks);
        collection.AddSingleton<BrowserTimeZone>();
        collection.AddSingleton<BlazorCutout.Web.Teams.IMyTeams, NoTeams>();
        collection.AddSingleton<BlazorCutout.Web.Teams.ITeamSharing, NoTeams>();
        services = collection.BuildServiceProvider();
        renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
    }

    public FakeTaskService Tasks { get; }

    /// <summary>The circuit's time zone (unknown, so UTC, until a test sets it: markup rendering runs no JS).</summary>
    public BrowserTimeZone Zone => services.GetRequiredService<BrowserTimeZone>();

    public Task<string> RenderAsync<TComponent>(IDictionary<string, object?>? parameters = null) where TComponent : IComponent =>
        renderer.Dispatcher.InvokeAsync(async () =>
        {
            RenderFragment child = builder =>
            {
                builder.OpenComponent<TComponent>(0);
                foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
                    builder.AddComponentParameter(1, name, value);
                builder.CloseComponent();
            };
            var output = await renderer.RenderComponentAsync<CascadingAuthenticationState>(
                ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(CascadingAuthenticationState.ChildContent)] = child }));
            return System.Net.WebUtility.HtmlDecode(output.ToHtmlString()); // text as the user reads it (·, ×, quotes)
        });

    public async ValueTask DisposeAsync()
    {
        await renderer.DisposeAsync();
        await services.DisposeAsync();
    }

    private sealed class FixedNavigationManager : NavigationManager
    {
        public FixedNavigationManager() => Initialize("http://localhost/", "http://localhost/studio");
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

/// <summary>An in-memory <see cref="ITaskService"/> and <see cref="ITaskEvents"/> for markup tests: fixed providers, stored views.</summary>
public sealed class FakeTaskService : ITaskService, ITaskEvents
{
    public List<ProviderChoice> Choices { get; } =
    [
        new(Local(), IsAvailable: true, UnavailableReason: null, IsDefault: true),
        new(Remote("picwish", "PicWish"), IsAvailable: false, UnavailableReason: "PicWish needs an API key: set Providers:PicWish:ApiKey.", IsDefault: false),
    ];

    public List<TaskView> Stored { get; } = [];

    public static ProviderDescriptor Local() => new()
    {
        Id = "local",
        DisplayName = "Local engine",
        Operations = new HashSet<ProviderOperation> { ProviderOperation.RemoveBackground, ProviderOperation.SegmentByPoints },
        UnsupportedReasons = new Dictionary<ProviderOperation, string> { [ProviderOperation.SegmentByText] = LocalEngineProvider.TextUnsupportedReason },
        Inputs = ProviderInputs.File,
        Options = new SupportedOptions
        {
            Outputs = new HashSet<OutputKind> { OutputKind.Image, OutputKind.Mask, OutputKind.ImageAndMask },
            Formats = new HashSet<OutputFormat> { OutputFormat.Png, OutputFormat.Jpg, OutputFormat.Webp },
            SubjectType = true,
            Crop = true,
            BackgroundColor = true,
            BackgroundImage = true,
        },
        Limits = new ProviderLimits { MaxBytes = 50L * 1024 * 1024, AcceptedFormats = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "png", "jpeg", "webp", "bmp", "tiff" } },
        Rate = ProviderRate.Unlimited(1),
        Polling = PollCadence.None,
        Prices = PriceTable.Free,
        IsSynchronous = true,
    };

    public static ProviderDescriptor Remote(string id, string name) => new()
    {
        Id = id,
        DisplayName = name,
        Operations = new HashSet<ProviderOperation> { ProviderOperation.RemoveBackground },
        Inputs = ProviderInputs.File | ProviderInputs.Url,
        Options = new SupportedOptions { Formats = new HashSet<OutputFormat> { OutputFormat.Png, OutputFormat.Jpg }, Crop = true, BackgroundColor = true },
        Limits = new ProviderLimits(),
        Rate = new ProviderRate(2, 2),
        Polling = new PollCadence(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1.5, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3)),
        Prices = new PriceTable("credits", new Dictionary<ProviderOperation, OperationPrice> { [ProviderOperation.RemoveBackground] = new(PerImage: 1) }),
    };

    public static TaskAssetView Asset(TaskAssetRole role, int width = 640, int height = 480, string contentType = "image/png")
    {
        var id = Guid.NewGuid();
        return new TaskAssetView(id, role, contentType, $"{role.ToString().ToLowerInvariant()}.png", width, height, 12_345,
            $"/assets/{id}", $"/assets/{id}/thumbnail", $"/assets/{id}/download");
    }

    public static TaskView Task(CutoutTaskState state, int? progress = null, string? error = null, bool withMask = true) => new(
        Guid.NewGuid(), "local", "Local engine", ProviderOperation.RemoveBackground, state, progress,
        error is null ? null : "Failed", error, null, state == CutoutTaskState.Succeeded ? 0 : null, "coins", false,
        DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(-50), state.IsFinal() ? DateTimeOffset.UtcNow : null,
        state.IsFinal() ? TimeSpan.FromSeconds(1.4) : null,
        Asset(TaskAssetRole.Source) with { FileName = "cat.png" },
        state == CutoutTaskState.Succeeded ? (withMask ? [Asset(TaskAssetRole.Result), Asset(TaskAssetRole.Mask)] : [Asset(TaskAssetRole.Result)]) : [],
        null);

    public IReadOnlyList<ProviderChoice> Providers() => Choices;

    public Task<TaskView> SubmitAsync(string userId, NewTaskRequest request, CancellationToken cancellationToken = default)
    {
        var view = Task(CutoutTaskState.Queued);
        Stored.Add(view);
        return System.Threading.Tasks.Task.FromResult(view);
    }

    public Task<IncomingImage> FetchImageAsync(string url, CancellationToken cancellationToken = default) =>
        throw new TaskRejectedException("InvalidUrl", "Not in tests.");

    public Task<TaskView?> GetAsync(string userId, Guid taskId, CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.FromResult(Stored.FirstOrDefault(t => t.Id == taskId));

    /// <summary>Every query asked, in order.</summary>
    public List<TaskQuery> Queries { get; } = [];

    public Task<TaskPage> QueryAsync(string userId, TaskQuery query, CancellationToken cancellationToken = default)
    {
        Queries.Add(query);
        return System.Threading.Tasks.Task.FromResult(new TaskPage(Stored.Skip(query.Skip).Take(query.Take).ToList(), Stored.Count));
    }

    public Task<bool> CancelAsync(string userId, Guid taskId, CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.FromResult(false);

    public Task<TaskView?> RetryAsync(string userId, Guid taskId, CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.FromResult<TaskView?>(null);

    public Task<bool> DeleteAsync(string userId, Guid taskId, CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.FromResult(Stored.RemoveAll(t => t.Id == taskId) > 0);

    public IDisposable Subscribe(string userId, Func<TaskChanged, Task> handler) => new Unsubscriber();
    public IDisposable SubscribeGallery(Func<GalleryChanged, Task> handler) => new Unsubscriber();

    private sealed class Unsubscriber : IDisposable
    {
        public void Dispose() { }
    }
}

/// <summary>A user in no team: the team picker and the share controls render nothing.</summary>
public sealed class NoTeams : BlazorCutout.Web.Teams.IMyTeams, BlazorCutout.Web.Teams.ITeamSharing
{
    public Task<IReadOnlyList<BlazorCutout.Web.Teams.MyTeam>> MineAsync(string userId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<BlazorCutout.Web.Teams.MyTeam>>([]);

    public Task<BlazorCutout.Web.Teams.ShareState?> StateAsync(string userId, Guid taskId, CancellationToken ct = default) =>
        Task.FromResult<BlazorCutout.Web.Teams.ShareState?>(null);

    public Task ShareAsync(string actorId, Guid taskId, Guid teamId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<bool> UnshareAsync(string actorId, Guid taskId, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> SetTagsAsync(string actorId, Guid taskId, IEnumerable<string> tags, CancellationToken ct = default) => throw new NotSupportedException();
}
