using System.Security.Claims;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using BlazorCutout.Web.Tasks.Storage;
using BlazorCutout.Web.Teams;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorCutout.Web.Gallery;

/// <summary>
/// The team gallery: a page of shares at a time (keyset, "Load more"), filters, multi-select ZIP, and a lightbox with
/// the task's result view. Every read goes through <see cref="GalleryService"/> / <see cref="ITaskService.GetAsync"/>,
/// which apply <c>ItemAccess</c>; a gallery event only makes the page read again, so it never shows what the rule hides.
/// </summary>
public sealed partial class GalleryPage
{
    [Inject] private GalleryService Gallery { get; set; } = default!;
    [Inject] private ITaskService Tasks { get; set; } = default!;
    [Inject] private ITaskEvents Events { get; set; } = default!;
    [Inject] private BrowserTimeZone TimeZone { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary><c>/gallery/{id}</c>: the lightbox's own address, opened on arrival (a link a teammate can pass on).</summary>
    [Parameter] public Guid? TaskId { get; set; }

    private string userId = "";
    private GalleryFilters filters = new();
    private List<GalleryItem> items = [];
    private long? nextCursor;
    private int total;
    private bool loaded;
    private bool busy;
    private int version;
    private readonly HashSet<Guid> selected = [];
    private IReadOnlyList<(Guid Id, string Name)> teams = [];
    private IReadOnlyList<(string Id, string Email)> members = [];
    private IReadOnlyList<ProviderChoice> providers = [];
    private IDisposable? subscription;

    private bool lightboxOpen;
    private GalleryItem? opened;
    private TaskView? openedTask;
    private readonly DialogOptions lightboxOptions = new() { MaxWidth = MaxWidth.Large, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true };

    private string CountText => loaded ? $"{total} shared result{(total == 1 ? "" : "s")}" : "Loading…";
    private string? ZipUrl => selected.Count == 0 ? null : AssetArchive.Url(selected.Take(AssetArchive.MaxTasks));

    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        if (userId.Length == 0) return;
        filters = GalleryFilters.Parse(Navigation.Uri);
        Navigation.LocationChanged += OnLocationChanged;
        providers = Tasks.Providers();
        teams = await Gallery.TeamsAsync(userId);
        members = await Gallery.MembersAsync(userId);
        await ReloadAsync(GalleryQuery.DefaultTake);
        subscription = Events.SubscribeGallery(OnGalleryChangedAsync);
        if (TaskId is { } linked)
            await OpenLinkedAsync(linked);
    }

    /// <summary>
    /// The same rule as the asset URLs (<see cref="ITaskService.GetAsync"/> applies <c>ItemAccess</c>). A task this user
    /// may not see: the address is loaded again from the server, where <see cref="GalleryLinkGate"/> answers 404
    /// (reached this way only by a navigation inside the circuit, or a share taken back in between).
    /// </summary>
    private async Task OpenLinkedAsync(Guid taskId)
    {
        var task = await Tasks.GetAsync(userId, taskId);
        if (task is null)
        {
            if (RendererInfo.IsInteractive)
                Navigation.NavigateTo(GalleryLinkGate.PathFor(taskId), forceLoad: true);
            return;
        }
        opened = items.FirstOrDefault(i => i.TaskId == taskId);
        openedTask = task;
        lightboxOpen = true;
    }

    private static string LightboxPath(Guid taskId) => GalleryLinkGate.PathFor(taskId);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && !TimeZone.IsKnown)
        {
            await TimeZone.EnsureAsync();
            StateHasChanged();
        }
    }

    private Task OnGalleryChangedAsync(GalleryChanged change)
    {
        // Only the teams this page shows; the re-read applies the rule again (a removed member gets nothing).
        if (!teams.Any(t => t.Id == change.TeamId)) return Task.CompletedTask;
        return InvokeAsync(async () =>
        {
            await ReloadAsync(Math.Clamp(items.Count, GalleryQuery.DefaultTake, GalleryQuery.MaxTake));
            if (opened?.TaskId == change.TaskId && change.Kind == GalleryChangeKind.Unshared)
                openedTask = await Tasks.GetAsync(userId, change.TaskId);
            StateHasChanged();
        });
    }

    private async Task ReloadAsync(int take)
    {
        var page = await Gallery.PageAsync(userId, filters.ToQuery(Zone, null, take));
        items = page.Items.ToList();
        nextCursor = page.NextCursor;
        total = page.Total;
        loaded = true;
        version++;
        selected.IntersectWith(items.Select(i => i.TaskId));
    }

    private async Task MoreAsync()
    {
        busy = true;
        try
        {
            var page = await Gallery.PageAsync(userId, filters.ToQuery(Zone, nextCursor, GalleryQuery.DefaultTake), withTotal: false);
            items.AddRange(page.Items);
            nextCursor = page.NextCursor;
        }
        finally
        {
            busy = false;
        }
    }

    private async Task FilterAsync(GalleryFilters next)
    {
        filters = next;
        Remember();
        await ReloadAsync(GalleryQuery.DefaultTake);
    }

    /// <summary>Writes the filters into the address, in place (filtering is not a trail of Back steps).</summary>
    private void Remember()
    {
        if (RendererInfo.IsInteractive) // a prerender cannot change the browser's address
            Navigation.ReplaceQuery(filters.QueryParameters());
    }

    /// <summary>
    /// A link to another selection of this page (the menu's Gallery while filtered, back and forward) applies its
    /// filters; the page's own address updates ask for what is shown already and change nothing.
    /// </summary>
    private void OnLocationChanged(object? sender, Microsoft.AspNetCore.Components.Routing.LocationChangedEventArgs e)
    {
        if (!Navigation.ToBaseRelativePath(e.Location).StartsWith("gallery", StringComparison.OrdinalIgnoreCase)) return;
        var asked = GalleryFilters.Parse(e.Location);
        if (asked.SameAs(filters)) return;
        _ = InvokeAsync(async () =>
        {
            filters = asked;
            await ReloadAsync(GalleryQuery.DefaultTake);
            StateHasChanged();
        });
    }

    private Task OnSearch(string? text) => FilterAsync(filters with { Search = text });

    private void Toggle(Guid taskId, bool on)
    {
        if (on) selected.Add(taskId); else selected.Remove(taskId);
    }

    private async Task OpenAsync(GalleryItem item)
    {
        opened = item;
        openedTask = await Tasks.GetAsync(userId, item.TaskId);
        lightboxOpen = true;
    }

    private TimeZoneInfo Zone => TimeZone.Zone ?? TimeZoneInfo.Utc;

    private string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm");

    public void Dispose()
    {
        Navigation.LocationChanged -= OnLocationChanged;
        subscription?.Dispose();
    }
}
