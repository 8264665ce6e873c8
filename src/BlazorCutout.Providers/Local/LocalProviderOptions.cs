namespace BlazorCutout.Providers.Local;

/// <summary>Bound from <c>Providers:Local</c>. Defaults make the local engine the working default with nothing configured.</summary>
public sealed class LocalProviderOptions
{
    public const string SectionName = "Providers:Local";

    public bool Enabled { get; set; } = true;
    public string DisplayName { get; set; } = "Local engine";
    /// <summary>Jobs run at once; each inference takes most of the machine, so one per two cores is plenty.</summary>
    public int Concurrency { get; set; } = 1;
    // Size, pixel and format limits are the engine's own (BlazorCutout:Engine), announced through ICutoutEngine.Limits.
}
