using MudBlazor;

namespace BlazorCutout.Web.Layout;

/// <summary>
/// The app's MudBlazor theme and the cookie that remembers light or dark. A cookie rather than localStorage: the
/// server renders the first paint (and the statically rendered account pages) in the right theme, with no flash.
/// wwwroot/js/theme.js writes the same cookie.
/// </summary>
public static class AppTheme
{
    public const string CookieName = "cutout-theme";

    public static bool IsDark(HttpRequest request) => request.Cookies[CookieName] == "dark";

    // System fonts: the CSP allows no font host, and MudBlazor's default Roboto would come from one.
    private static readonly string[] Fonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            Secondary = "#0e7490", // cyan 700: 5.4:1 on white (cyan 600 was 3.7:1, too faint for an outlined button's text)
            AppbarBackground = "#4f46e5",
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
            // WCAG AA (4.5:1) for small text on white and on the page background, where MudBlazor's defaults fall short.
            TextSecondary = "#5f6170",
            Error = "#d32f2f",
            Warning = "#b45309",
            Info = "#1565c0",
            Success = "#2e7d32",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8b87f5",
            Secondary = "#22d3ee",
            AppbarBackground = "#1e1b4b",
            Background = "#15161c",
            Surface = "#1f2029",
            DrawerBackground = "#1a1b22",
            // AA contrast: dark text on the light lavender primary (white on it is 3:1), lighter secondary text.
            PrimaryContrastText = "#15161c",
            TextSecondary = "#a1a3ae",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}

/// <summary>The page's current theme: one instance per page, cascaded by Routes, flipped by <see cref="ThemeToggle"/>.</summary>
public sealed class ThemeChoice
{
    public bool Dark { get; set; }

    /// <summary>The attribute value browser tests and our CSS read.</summary>
    public string Name => Dark ? "dark" : "light";
}
