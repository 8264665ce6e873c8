using System.Security.Claims;
using BlazorCutout.Engine;
using BlazorCutout.Providers;
using BlazorCutout.Providers.Local;
using BlazorCutout.Web.Infrastructure;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace BlazorCutout.Web.Tests.Studio;

/// <summary>
/// Renders Studio/History components with bUnit over a task service double, as a signed-in member on an interactive
/// (Server) renderer: MudBlazor's services, a JS runtime that answers nothing (Loose), and a popover provider so
/// select lists and menus can open when a test clicks them.
/// </summary>
public sealed class StudioRenderer : IAsyncDisposable
{
    private readonly BunitContext context = new();

    /// <param name="imagesPerMinute">The circuit's client address's limit on images taken in (<see cref="RateLimitOptions"/>).</param>
    public StudioRenderer(FakeTaskService? tasks = null, int imagesPerMinute = 1000)
    {
        Tasks = tasks ?? new FakeTaskService();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton<ITaskService>(Tasks);
        context.Services.AddSingleton<ITaskEvents>(Tasks);
        context.Services.AddSingleton<BrowserTimeZone>();
        context.Services.AddScoped<Notify>();
        context.Services.AddScoped<AppDialogs>();
        context.Services.AddSingleton(new IntakeRateLimiter(Options.Create(new RateLimitOptions { ImagesPerMinute = imagesPerMinute })));
        context.Services.AddScoped<ClientAddress>();
        context.Services.AddSingleton<BlazorCutout.Web.Teams.IMyTeams, NoTeams>();
        context.Services.AddSingleton<BlazorCutout.Web.Teams.ITeamSharing, NoTeams>();
        context.Services.AddSingleton<BlazorCutout.Web.Tasks.TouchUp.ITouchUpAccess>(TouchUps);
        var auth = context.AddAuthorization();
        auth.SetAuthorized("member@example.test");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "user-1"));
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Popovers = context.Render<MudPopoverProvider>();
    }

    public FakeTaskService Tasks { get; }

    /// <summary>Whether the signed-in user may touch up tasks (no one, unless a test says so).</summary>
    public TouchUpAccessDouble TouchUps { get; } = new();

    /// <summary>Where open select lists and menus are drawn (MudBlazor renders them outside the component).</summary>
    public IRenderedComponent<MudPopoverProvider> Popovers { get; }

    /// <summary>bUnit's navigation manager: where the page is, and where it sent the browser.</summary>
    public Microsoft.AspNetCore.Components.NavigationManager Navigation => context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();

    /// <summary>The notices the page showed (MudBlazor's snackbar).</summary>
    public ISnackbar Snackbar => context.Services.GetRequiredService<ISnackbar>();

    /// <summary>The circuit's time zone (unknown, so UTC, until a test sets it: the JS double answers nothing).</summary>
    public BrowserTimeZone Zone => context.Services.GetRequiredService<BrowserTimeZone>();

    /// <summary>Renders <typeparamref name="TComponent"/> with the given parameters, to click and type into.</summary>
    public IRenderedComponent<TComponent> Render<TComponent>(IDictionary<string, object?>? parameters = null) where TComponent : IComponent =>
        context.Render<TComponent>(builder =>
        {
            builder.OpenComponent<TComponent>(0);
            foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
                builder.AddComponentParameter(1, name, value);
            builder.CloseComponent();
        });

    /// <summary>The component's markup as the user reads it (·, ×, quotes decoded).</summary>
    public Task<string> RenderAsync<TComponent>(IDictionary<string, object?>? parameters = null) where TComponent : IComponent =>
        Task.FromResult(System.Net.WebUtility.HtmlDecode(Render<TComponent>(parameters).Markup));

    public ValueTask DisposeAsync() => context.DisposeAsync();
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
        IsFree = true, // as the real local engine declares
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

    public Task<IncomingImage> FetchImageAsync(string userId, string providerId, string url, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default) =>
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

/// <summary>The answer the result view gets when it asks whether to offer "Touch up".</summary>
public sealed class TouchUpAccessDouble : BlazorCutout.Web.Tasks.TouchUp.ITouchUpAccess
{
    public bool MayEdit { get; set; }

    public Task<bool> MayEditAsync(string userId, Guid taskId, CancellationToken ct = default) => Task.FromResult(MayEdit);
}
