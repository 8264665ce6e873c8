namespace BlazorCutout.Web.Infrastructure;

/// <summary>
/// The address of the client behind this circuit (after forwarded headers from known proxies), for limits per address
/// on work that arrives through the circuit rather than as HTTP requests the rate-limiting middleware sees.
/// </summary>
/// <remarks>
/// Scoped: one per circuit. App.razor reads it from the page request and hands it to Routes as a parameter; the
/// parameters of an interactive root component travel inside the data-protected component marker, so the browser
/// cannot change them.
/// </remarks>
public sealed class ClientAddress
{
    /// <summary>"unknown" until Routes sets it: every such circuit shares one budget, which errs on the strict side.</summary>
    public string Value { get; set; } = "unknown";
}
