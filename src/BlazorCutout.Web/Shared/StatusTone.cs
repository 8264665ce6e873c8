namespace BlazorCutout.Web.Shared;

/// <summary>
/// What a status means to the eye, in our words. Pages say "success" or "danger"; only <see cref="StatusChip"/> and
/// <see cref="StatusTones"/> know which component library colour that is, so a change of library touches them alone.
/// </summary>
public enum StatusTone { Neutral, Primary, Info, Success, Warning, Danger }

public static class StatusTones
{
    public static MudBlazor.Color Color(StatusTone tone) => tone switch
    {
        StatusTone.Primary => MudBlazor.Color.Primary,
        StatusTone.Info => MudBlazor.Color.Info,
        StatusTone.Success => MudBlazor.Color.Success,
        StatusTone.Warning => MudBlazor.Color.Warning,
        StatusTone.Danger => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };
}
