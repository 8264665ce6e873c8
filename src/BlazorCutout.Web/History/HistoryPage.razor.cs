using System.Security.Claims;
using BlazorCutout.Providers;
using BlazorCutout.Web.Shared;
using BlazorCutout.Web.Tasks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Radzen;
using Radzen.Blazor;

namespace BlazorCutout.Web.History;

/// <summary>The user's tasks, paged on the server, filtered, and kept current by <see cref="ITaskEvents"/>.</summary>
public sealed partial class HistoryPage
{
    [Inject] private ITaskService Tasks { get; set; } = default!;
    [Inject] private ITaskEvents Events { get; set; } = default!;
    [Inject] private DialogService Dialogs { get; set; } = default!;
    [Inject] private NotificationService Notifications { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private BrowserTimeZone Zone { get; set; } = default!;
    [Inject] private ILogger<HistoryPage> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private RadzenDataGrid<TaskView> grid = default!;
    private IReadOnlyList<TaskView>? page; // null until the first load: Radzen's grid calls LoadData on first render only then
    private int total;
    private bool loading;
    private string userId = "";
    private IDisposable? subscription;
    private LoadDataArgs? lastArgs;
    private bool reloadPending;

    private HistoryFilters filters = HistoryFilters.None;
    /// <summary>The grid's selection; it spans pages, and the grid matches rows to it by <c>Id</c> (its KeyProperty).</summary>
    private IList<TaskView>? selection;

    private static readonly object[] stateChoices = Enum.GetValues<CutoutTaskState>()
        .Select(s => new { Text = TaskText.State(s), Value = (CutoutTaskState?)s }).ToArray<object>();
    private static readonly object[] operationChoices = Enum.GetValues<ProviderOperation>()
        .Select(o => new { Text = TaskText.Operation(o), Value = (ProviderOperation?)o }).ToArray<object>();
    private object[] providerChoices = [];

    /// <summary>Filters in the address (<c>?provider=&amp;state=&amp;operation=&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>): what the admin usage dashboard links to.</summary>
    [SupplyParameterFromQuery(Name = "provider")] public string? ProviderParam { get; set; }
    [SupplyParameterFromQuery(Name = "state")] public string? StateParam { get; set; }
    [SupplyParameterFromQuery(Name = "operation")] public string? OperationParam { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? FromParam { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToParam { get; set; }

    protected override async Task OnInitializedAsync()
    {
        filters = HistoryFilters.FromQuery(ProviderParam, StateParam, OperationParam, FromParam, ToParam);
        var user = (await AuthenticationState).User;
        userId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        providerChoices = Tasks.Providers().Select(p => new { Text = p.Descriptor.DisplayName, Value = p.Descriptor.Id }).ToArray<object>();
        if (userId.Length > 0)
            subscription = Events.Subscribe(userId, OnTaskChangedAsync);
    }

    // Days on the clock the grid shows times in: UTC until the browser has said where it is.
    private TaskQuery Query(LoadDataArgs args) => filters.ToQuery(Zone.Zone ?? TimeZoneInfo.Utc, args.Skip ?? 0, args.Top ?? 10);

    private static DateTime? Picked(DateOnly? day) => day?.ToDateTime(TimeOnly.MinValue);

    private static DateOnly? Day(DateTime? picked) => picked is { } p ? DateOnly.FromDateTime(p) : null;

    private async Task LoadAsync(LoadDataArgs args)
    {
        lastArgs = args;
        loading = true;
        try
        {
            var result = await Tasks.QueryAsync(userId, Query(args));
            page = result.Items;
            total = result.Total;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "Loading the history failed");
            Notifications.Notify(NotificationSeverity.Error, "The history could not be loaded", "Try again in a moment.");
        }
        finally
        {
            loading = false;
        }
    }

    private async Task FilterAsync(HistoryFilters changed)
    {
        filters = changed;
        await grid.FirstPage(true);
    }

    private Task ResetAsync() => FilterAsync(HistoryFilters.None);

    private void RowRender(RowRenderEventArgs<TaskView> args)
    {
        if (args.Data is null || args.Attributes is null) return;
        args.Attributes["data-task"] = args.Data.Id.ToString();
        args.Attributes["data-testid"] = "history-row";
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
            if ((lastArgs?.Skip ?? 0) == 0)
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
        var copy = page!.ToArray();
        copy[index] = view;
        page = copy;
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

    private void SelectPage(bool? all)
    {
        var others = (selection ?? []).Where(t => page?.Any(p => p.Id == t.Id) != true);
        var chosen = all == true ? others.Concat(page ?? []).ToList() : others.ToList();
        selection = chosen.Count > 0 ? chosen : null;
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
        if (lastArgs is not null)
        {
            await LoadAsync(lastArgs);
            StateHasChanged();
        }
    }

    // ---- actions ----

    private async Task OpenAsync(TaskView task)
    {
        if (task.State != CutoutTaskState.Succeeded)
            return;
        await Dialogs.OpenAsync(task.Source.FileName, _ => builder =>
        {
            builder.OpenComponent<TaskResultView>(0);
            builder.AddComponentParameter(1, nameof(TaskResultView.Task), task);
            builder.CloseComponent();
        }, new DialogOptions { Width = "min(960px, 96vw)", CloseDialogOnOverlayClick = true, Draggable = false, Resizable = false, CssClass = "result-dialog" });
    }

    private async Task CancelAsync(TaskView task)
    {
        if (!await Tasks.CancelAsync(userId, task.Id))
            Notifications.Notify(NotificationSeverity.Info, "Nothing to cancel", "The task had already finished.");
        await grid.Reload();
    }

    private async Task RetryAsync(TaskView task)
    {
        try
        {
            if (await Tasks.RetryAsync(userId, task.Id) is not null)
                Notifications.Notify(NotificationSeverity.Success, "Retrying", $"{task.Source.FileName} was queued again as a new task.");
        }
        catch (TaskRejectedException ex)
        {
            Notifications.Notify(NotificationSeverity.Warning, "Cannot retry", ex.Message);
        }
        await grid.FirstPage(true);
    }

    private async Task DeleteAsync(TaskView task)
    {
        var confirmed = await Dialogs.Confirm(
            $"Delete the task for “{task.Source.FileName}” and its images? This cannot be undone.", "Delete task",
            new ConfirmOptions { OkButtonText = "Delete", CancelButtonText = "Keep" });
        if (confirmed != true)
            return;
        if (await Tasks.DeleteAsync(userId, task.Id))
            Notifications.Notify(NotificationSeverity.Success, "Deleted", task.Source.FileName);
        Unselect([task.Id]);
        await ReloadAfterDeletingAsync([task.Id]);
    }

    private async Task DeleteSelectedAsync()
    {
        if (selection is not { Count: > 0 } chosen)
            return;
        var tasks = chosen.ToList();
        var what = tasks.Count == 1 ? $"the task for “{tasks[0].Source.FileName}”" : $"{tasks.Count} tasks";
        var confirmed = await Dialogs.Confirm(
            $"Delete {what} and their images? This cannot be undone.", tasks.Count == 1 ? "Delete task" : "Delete tasks",
            new ConfirmOptions { OkButtonText = "Delete", CancelButtonText = "Keep" });
        if (confirmed != true)
            return;
        var deleted = 0;
        foreach (var task in tasks)
        {
            if (await Tasks.DeleteAsync(userId, task.Id))
                deleted++;
        }
        Notifications.Notify(NotificationSeverity.Success, "Deleted", deleted == 1 ? "1 task" : $"{deleted} tasks");
        Unselect(tasks.Select(t => t.Id));
        await ReloadAfterDeletingAsync(tasks.Select(t => t.Id));
    }

    /// <summary>Stays on this page unless the deletion just emptied it.</summary>
    private async Task ReloadAfterDeletingAsync(IEnumerable<Guid> deleted)
    {
        var gone = deleted.ToHashSet();
        if (page is { Count: > 0 } shown && shown.All(t => gone.Contains(t.Id)) && (lastArgs?.Skip ?? 0) > 0)
            await grid.FirstPage(true);
        else
            await grid.Reload();
    }

    public void Dispose() => subscription?.Dispose();
}
