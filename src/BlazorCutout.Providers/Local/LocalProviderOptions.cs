namespace BlazorCutout.Providers.Local;

/// <summary>Bound from <c>Providers:Local</c>. Defaults make the local engine the working default with nothing configured.</summary>
public sealed class LocalProviderOptions
{
    public const string SectionName = "Providers:Local";

    public bool Enabled { get; set; } = true;
    public string DisplayName { get; set; } = "Local engine";
    /// <summary>Jobs run at once; each inference takes most of the machine, so one per two cores is plenty.</summary>
    public int Concurrency { get; set; } = 1;
    public long MaxBytes { get; set; } = 50L * 1024 * 1024;
    /// <summary>The engine enforces its own limits in Probe as well; this one is what the UI announces.</summary>
    public int MaxPixelsPerSide { get; set; } = 8192;
    public List<string> AcceptedFormats { get; set; } = ["png", "jpeg", "webp", "bmp", "tiff"];
}
