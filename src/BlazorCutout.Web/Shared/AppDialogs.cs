using BlazorCutout.Web.Tasks;
using MudBlazor;

namespace BlazorCutout.Web.Shared;

/// <summary>The app's dialogs (MudBlazor's dialog service underneath): a yes/no question, and a task's result.</summary>
public sealed class AppDialogs(IDialogService dialogs)
{
    /// <summary>True only when the reader chose <paramref name="yes"/>; closing the dialog answers no.</summary>
    public async Task<bool> ConfirmAsync(string title, string message, string yes, string no) =>
        await dialogs.ShowMessageBoxAsync(new MessageBoxOptions { Title = title, Message = message, YesText = yes, CancelText = no },
            new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.ExtraSmall, FullWidth = true }) == true;

    /// <summary>The erase/restore brush on one result; true when a new version was saved.</summary>
    public async Task<bool> TouchUpAsync(TaskView task, TaskAssetView result)
    {
        var dialog = await dialogs.ShowAsync<TouchUpDialog>($"Touch up · {task.Source.FileName}",
            new DialogParameters<TouchUpDialog> { { d => d.Task, task }, { d => d.Result, result } },
            // Full screen: the brush needs room; Escape does not close it, so a stray key never throws away the painting.
            new DialogOptions { FullScreen = true, CloseButton = false, CloseOnEscapeKey = false, BackdropClick = false });
        var outcome = await dialog.Result;
        return outcome is { Canceled: false };
    }

    /// <summary>The before/after view of a finished task, as the Studio shows it.</summary>
    public Task ShowResultAsync(TaskView task) =>
        dialogs.ShowAsync<ResultDialog>(task.Source.FileName,
            new DialogParameters<ResultDialog> { { d => d.Task, task } },
            new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true, BackdropClick = true });
}
