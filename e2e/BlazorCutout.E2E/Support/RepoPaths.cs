namespace BlazorCutout.E2E.Support;

public static class RepoPaths
{
    /// <summary>The repository root: the folder holding BlazorCutout.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The web app's publish output (<c>./cutout test</c> publishes it after the build).</summary>
    public static string PublishedWeb { get; } = Path.Combine(Root, "artifacts", "publish", "web");

    public static string Screenshots { get; } = Path.Combine(Root, "artifacts", "screenshots");

    /// <summary>A photo from data/test-images (scripts/test-images.sh fetches them from Debian's python3-skimage).</summary>
    public static string TestImage(string name)
    {
        var path = Path.Combine(Root, "data", "test-images", name);
        if (!File.Exists(path))
            throw new FileNotFoundException("Run scripts/test-images.sh first (it fetches the engine tests' photos).", path);
        return path;
    }

    /// <summary>axe-core's script, injected into pages by the accessibility checks (scripts/axe-core.sh fetches it from npm).</summary>
    public static string AxeScript
    {
        get
        {
            var path = Path.Combine(Root, "data", "axe", "axe.min.js");
            if (!File.Exists(path))
                throw new FileNotFoundException("Run scripts/axe-core.sh first (./cutout test does): it fetches axe-core from npm.", path);
            return path;
        }
    }

    /// <summary>Release or Debug: the web app is used as built in the same configuration as these tests.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BlazorCutout.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"BlazorCutout.sln not found above {AppContext.BaseDirectory}");
    }
}
