using System.Security.Claims;
using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BlazorCutout.Web.History;

/// <summary>The user's tasks, paged on the server, filtered, and kept current by <see cref="ITaskEvents"/>.</summary>
public sealed partial class HistoryPage
{
    [Inject] private ITaskService Tasks { get; set; } = default!;
    [Inject] private ITaskEvents Events { get; set; } = default!;
    [Inject] private AppDialogs Dialogs { get; set; } = default!;
    [Inject] private Notify Notify { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private BrowserTimeZone Zone { get; set; } = default!;
    [Inject] private ILogger<HistoryPage> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private MudDataGrid<TaskView> grid = default!;
    /// <summary>The rows shown: the grid's last answer, kept current by live updates (the grid renders these).</summary>
    private List<TaskView>? page;
    private int total;
    private string userId = "";
    private IDisposable? subscription;
    /// <summary>Rows skipped before this page: live updates of tasks not on it only matter on the first page.</summary>
    private int skip;
    private bool reloadPending;

    private HistoryFilters filters = HistoryFilters.None;
    /// <summary>The selected tasks; the selection spans pages, and rows are matched to it by <c>Id</c>.</summary>
    private IList<TaskView>? selection;

    private (string Id, string Name)[] providerChoices = [];

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The view the address asked for when the grid was made: its page, size and sort start from it.</summary>
    private HistoryView requested = HistoryView.Default;
    /// <summary>A new value makes a new grid, which starts from <see cref="requested"/> (a link to another view of this page).</summary>
    private int gridGeneration;
    /// <summary>What the grid shows now, as last written to the address.</summary>
    private HistoryView shown = HistoryView.Default;
    /// <summary>The grid's page (bound): a grid takes a page only after its first load, so the asked-for one is set then.</summary>
    private int currentPage;
    private bool restoringPage;

    protected override async Task OnInitializedAsync()
    {
        requested = shown = HistoryView.Parse(Navigation.Uri);
        filters = requested.Filters;
        restoringPage = requested.Page > 0;
        Navigation.LocationChanged += OnLocationChanged;
        var user = (await AuthenticationState).User;
        userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        providerChoices = Tasks.Providers().Select(p => (p.Descriptor.Id, p.Descriptor.DisplayName)).ToArray();
        if (userId.Length > 0)
            subscription = Events.Subscribe(userId, OnTaskChangedAsync);
    }

    /// <summary>
    /// A link to another view of this page (the menu's History while filtered, back and forward): the grid starts
    /// again from that address. The page's own address updates ask for the view already shown and change nothing.
    /// </summary>
    private void OnLocationChanged(object? sender, Microsoft.AspNetCore.Components.Routing.LocationChangedEventArgs e)
    {
        if (!Navigation.ToBaseRelativePath(e.Location).StartsWith("history", StringComparison.OrdinalIgnoreCase))
            return;
        var asked = HistoryView.Parse(e.Location);
        if (asked == shown)
            return;
        _ = InvokeAsync(() =>
        {
            requested = shown = asked;
            filters = asked.Filters;
            currentPage = 0;
            restoringPage = asked.Page > 0;
            selection = null;
            gridGeneration++;
            StateHasChanged();
        });
    }

    /// <summary>The sort a column starts with: the one the address asked for, else none.</summary>
    private SortDirection Initially(TaskOrder order) =>
        requested.OrderBy != order ? SortDirection.None : requested.Ascending ? SortDirection.Ascending : SortDirection.Descending;

    /// <summary>Writes the grid's view into the address (replacing the entry: paging is not a trail of Back steps).</summary>
    private void Remember(TaskQuery query, GridState<TaskView> state)
    {
        shown = new HistoryView(filters, state.Page, state.PageSize, query.OrderBy, query.Ascending);
        // Only with a live circuit: a prerender cannot change the browser's address.
        if (RendererInfo.IsInteractive)
            Navigation.ReplaceQuery(shown.QueryParameters());
    }

    // Days on the clock the grid shows times in: UTC until the browser has said where it is.
    private TaskQuery Query(GridState<TaskView> state)
    {
        var query = filters.ToQuery(Zone.Zone ?? TimeZoneInfo.Utc, state.Page * state.PageSize, state.PageSize);
        return state.SortDefinitions.FirstOrDefault() is { } sort && HistorySort.Order(sort.SortBy) is { } order
            ? query with { OrderBy = order, Ascending = !sort.Descending }
            : query;
    }

    private static DateTime? Picked(DateOnly? day) => day?.ToDateTime(TimeOnly.MinValue);

    private static DateOnly? Day(DateTime? picked) => picked is { } p ? DateOnly.FromDateTime(p) : null;

    private async Task<GridData<TaskView>> LoadAsync(GridState<TaskView> state, CancellationToken cancellationToken)
    {
        skip = state.Page * state.PageSize;
        var query = Query(state);
        // A grid given a page before its first load starts on the first page anyway: it turns to the asked-for page
        // once this load is back and says how many there are (the address keeps asking for it meanwhile).
        int? turnTo = null;
        var loaded = false;
        if (restoringPage)
        {
            restoringPage = false;
            turnTo = requested.Page;
        }
        else
        {
            Remember(query, state);
        }
        try
        {
            var result = await Tasks.QueryAsync(userId, query, cancellationToken);
            page = result.Items.ToList();
            total = result.Total;
            loaded = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "Loading the history failed");
            Notify.Error("The history could not be loaded. Try again in a moment.");
        }
        if (turnTo is { } asked && loaded)
        {
            // An address past the last page (tasks deleted since it was copied) shows the last page, and says so.
            var last = total == 0 ? 0 : (total - 1) / state.PageSize;
            var target = Math.Min(asked, last);
            if (target < asked)
                Notify.Info($"There is no page {asked + 1} any more: showing page {target + 1}, the last.");
            if (target != state.Page)
            {
                currentPage = target;
                _ = InvokeAsync(StateHasChanged);
            }
            else
            {
                Remember(query, state);
            }
        }
        return new GridData<TaskView> { Items = page ?? [], TotalItems = total };
    }

    private async Task FilterAsync(HistoryFilters changed)
    {
        filters = changed;
        await FirstPageAsync();
    }

    private Task ResetAsync() => FilterAsync(HistoryFilters.None);

    /// <summary>Back to the first page and load it (a changed filter or a retry puts a new task on top).</summary>
    private async Task FirstPageAsync()
    {
        if (grid.CurrentPage != 0)
            grid.NavigateTo(Page.First);
        await grid.ReloadServerData();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Times are in UTC until the browser has said where it is (once per circuit); then they are shown again, local.
        if (!firstRender || Zone.IsKnown)
            return;
        await Zone.EnsureAsync();
        if (Zone.IsKnown)
            StateHasChanged();
    }

    // ---- live updates ----

    private Task OnTaskChangedAsync(TaskChanged change) => InvokeAsync(async () =>
    {
        var index = IndexOf(change.TaskId);
        if (index < 0)
        {
            // A task this page does not show yet (started elsewhere, or a retry): the first page gains it.
            if (skip == 0)
                await ReloadSoonAsync();
            return;
        }
        var current = page![index];
        if (current.State.IsFinal() && !change.State.IsFinal())
            return;
        Replace(index, current with { State = change.State, Progress = change.Progress, ErrorMessage = change.ErrorMessage ?? current.ErrorMessage, Note = change.Note ?? current.Note });
        if (change.State.IsFinal() && await Tasks.GetAsync(userId, change.TaskId) is { } fresh)
        {
            index = IndexOf(change.TaskId);
            if (index >= 0)
                Replace(index, fresh);
        }
        StateHasChanged();
    });

    private int IndexOf(Guid id)
    {
        for (var i = 0; i < (page?.Count ?? 0); i++)
            if (page![i].Id == id)
                return i;
        return -1;
    }

    private void Replace(int index, TaskView view)
    {
        // In place: the grid draws this very list (handed to it as its server data), so a render shows the change.
        page![index] = view;
        // The selection holds its own copies: keep them current, so what it offers to download is what the row shows.
        if (IsSelected(view))
            selection = selection!.Select(t => t.Id == view.Id ? view : t).ToList();
    }

    // ---- selection ----

    private bool IsSelected(TaskView task) => selection?.Any(t => t.Id == task.Id) == true;

    /// <summary>The header box: ticked when every row of this page is selected, empty when none is, undecided between.</summary>
    private bool? PageSelected
    {
        get
        {
            var onPage = page?.Count(IsSelected) ?? 0;
            return onPage == 0 ? false : onPage == page!.Count ? true : null;
        }
    }

    private void SelectPage(bool all)
    {
        var others = (selection ?? []).Where(t => page?.Any(p => p.Id == t.Id) != true);
        var chosen = all ? others.Concat(page ?? []).ToList() : others.ToList();
        selection = chosen.Count > 0 ? chosen : null;
    }

    private void Toggle(TaskView task)
    {
        if (IsSelected(task))
            Unselect([task.Id]);
        else
            selection = [.. selection ?? [], task];
    }

    private void Unselect(IEnumerable<Guid> ids)
    {
        var gone = ids.ToHashSet();
        var kept = selection?.Where(t => !gone.Contains(t.Id)).ToList();
        selection = kept is { Count: > 0 } ? kept : null;
    }

    /// <summary>Coalesces a burst of new tasks (three files dropped at once) into one reload.</summary>
    private async Task ReloadSoonAsync()
    {
        if (reloadPending)
            return;
        reloadPending = true;
        await Task.Delay(300);
        reloadPending = false;
        await grid.ReloadServerData();
    }

    // ---- actions ----

    private async Task OpenAsync(TaskView task)
    {
        if (task.State != CutoutTaskState.Succeeded)
            return;
        await Dialogs.ShowResultAsync(task);
    }

    private async Task CancelAsync(TaskView task)
    {
        if (!await Tasks.CancelAsync(userId, task.Id))
            Notify.Info("Nothing to cancel: the task had already finished.");
        await grid.ReloadServerData();
    }

    private async Task RetryAsync(TaskView task)
    {
        try
        {
            if (await Tasks.RetryAsync(userId, task.Id) is not null)
                Notify.Success($"Retrying: {task.Source.FileName} was queued again as a new task.");
        }
        catch (TaskRejectedException ex)
        {
            Notify.Warning($"Cannot retry: {ex.Message}");
        }
        await FirstPageAsync();
    }

    private async Task DeleteAsync(TaskView task)
    {
        if (!await Dialogs.ConfirmAsync("Delete task", $"Delete the task for “{task.Source.FileName}” and its images? This cannot be undone.", "Delete", "Keep"))
            return;
        if (await Tasks.DeleteAsync(userId, task.Id))
            Notify.Success($"Deleted {task.Source.FileName}");
        Unselect([task.Id]);
        await ReloadAfterDeletingAsync([task.Id]);
    }

    private async Task DeleteSelectedAsync()
    {
        if (selection is not { Count: > 0 } chosen)
            return;
        var tasks = chosen.ToList();
        var what = tasks.Count == 1 ? $"the task for “{tasks[0].Source.FileName}”" : $"{tasks.Count} tasks";
        if (!await Dialogs.ConfirmAsync(tasks.Count == 1 ? "Delete task" : "Delete tasks", $"Delete {what} and their images? This cannot be undone.", "Delete", "Keep"))
            return;
        var deleted = 0;
        foreach (var task in tasks)
        {
            if (await Tasks.DeleteAsync(userId, task.Id))
                deleted++;
        }
        Notify.Success(deleted == 1 ? "Deleted 1 task" : $"Deleted {deleted} tasks");
        Unselect(tasks.Select(t => t.Id));
        await ReloadAfterDeletingAsync(tasks.Select(t => t.Id));
    }

    /// <summary>Stays on this page unless the deletion just emptied it.</summary>
    private async Task ReloadAfterDeletingAsync(IEnumerable<Guid> deleted)
    {
        var gone = deleted.ToHashSet();
        if (page is { Count: > 0 } shown && shown.All(t => gone.Contains(t.Id)) && skip > 0)
            await FirstPageAsync();
        else
            await grid.ReloadServerData();
    }

    public void Dispose()
    {
        Navigation.LocationChanged -= OnLocationChanged;
        subscription?.Dispose();
    }
}
