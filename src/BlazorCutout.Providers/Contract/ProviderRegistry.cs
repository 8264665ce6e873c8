namespace BlazorCutout.Providers;

/// <summary>All registered providers, by id. The local engine is the default.</summary>
public sealed class ProviderRegistry
{
    public const string DefaultProviderId = "local";

    private readonly Dictionary<string, ICutoutProvider> _byId;

    public ProviderRegistry(IEnumerable<ICutoutProvider> providers)
    {
        _byId = new Dictionary<string, ICutoutProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in providers)
            if (!_byId.TryAdd(p.Descriptor.Id, p))
                throw new InvalidOperationException($"Two providers are registered with the id '{p.Descriptor.Id}'.");
        All = _byId.Values.OrderBy(p => p.Descriptor.Id == DefaultProviderId ? 0 : 1).ThenBy(p => p.Descriptor.DisplayName).ToList();
    }

    /// <summary>Default first, then by display name: the order the UI lists them in.</summary>
    public IReadOnlyList<ICutoutProvider> All { get; }

    public bool TryGet(string id, out ICutoutProvider provider) => _byId.TryGetValue(id, out provider!);

    public ICutoutProvider Get(string id) => TryGet(id, out var p) ? p
        : throw new ProviderException(ProviderErrorCode.UnknownProvider, $"There is no provider called '{id}'.", isTransient: false);

    public ICutoutProvider? Default => TryGet(DefaultProviderId, out var p) ? p : All.FirstOrDefault();

    /// <summary>Every provider with its current availability, for the provider picker.</summary>
    public IReadOnlyList<(ProviderDescriptor Descriptor, ProviderAvailability Availability)> Describe() =>
        All.Select(p => (p.Descriptor, p.GetAvailability())).ToList();

    /// <summary>Providers that can do <paramref name="operation"/>, available ones first.</summary>
    public IReadOnlyList<ICutoutProvider> ForOperation(ProviderOperation operation) =>
        All.Where(p => p.Descriptor.Supports(operation)).OrderBy(p => p.GetAvailability().IsAvailable ? 0 : 1).ToList();
}
