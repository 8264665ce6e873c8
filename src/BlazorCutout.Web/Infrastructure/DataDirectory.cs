namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// The one folder that holds everything the app writes: the SQLite database, the data-protection keys
/// (so auth cookies survive restarts) and, later, stored assets. Resolved once at start-up.
/// </summary>
public sealed class DataDirectory
{
    public const string DatabaseFileName = "blazorcutout.db";

    public DataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string DatabasePath => System.IO.Path.Combine(Path, DatabaseFileName);

    public string KeysPath => System.IO.Path.Combine(Path, "keys");

    /// <summary>A sub-folder for a feature's files (e.g. "assets"), created on first use.</summary>
    public string GetFolder(string name)
    {
        var folder = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static DataDirectory Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration.GetSection(DataOptions.Section).Get<DataOptions>()?.Directory;
        var path = string.IsNullOrWhiteSpace(configured)
            ? DefaultPath(environment)
            : System.IO.Path.Combine(environment.ContentRootPath, configured); // Combine keeps absolute paths as they are.
        var directory = new DataDirectory(path);
        Directory.CreateDirectory(directory.Path);
        Directory.CreateDirectory(directory.KeysPath);
        return directory;
    }

    // Outside the source tree and the install folder, so upgrades and `git clean` never touch user data.
    private static string DefaultPath(IHostEnvironment environment)
    {
        var appData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return string.IsNullOrEmpty(appData)
            ? System.IO.Path.Combine(environment.ContentRootPath, "data")
            : System.IO.Path.Combine(appData, "BlazorCutout");
    }
}
