using MudBlazor;

namespace BlazorCutout.Web.Shared;

/// <summary>
/// Short notices in the corner (MudBlazor's snackbar): what happened after an action. Pages talk to this, not to
/// the library, so replacing it touches one file.
/// </summary>
public sealed class Notify(ISnackbar snackbar)
{
    public void Success(string message) => snackbar.Add(message, Severity.Success);

    public void Info(string message) => snackbar.Add(message, Severity.Info);

    public void Warning(string message) => snackbar.Add(message, Severity.Warning);

    /// <summary>An error stays longer: it usually asks the reader to do something.</summary>
    public void Error(string message) => snackbar.Add(message, Severity.Error, o => o.VisibleStateDuration = 8000);
}
