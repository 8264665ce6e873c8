using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace BlazorCutout.Providers.Security;

/// <summary>
/// Decides whether BlazorCutout may fetch from, or hand out, a URL. Two layers:
/// <list type="number">
/// <item><see cref="EnsureAllowed"/>: the URL itself (absolute, https, no user info, default port, literal IPs in any notation).</item>
/// <item><see cref="ResolveAllowedAsync"/>: every address the host resolves to must be public. <see cref="ConnectAsync"/> uses it as the
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, so the socket goes to an address that was just checked: a DNS answer that
/// changes between check and connect (rebinding) cannot slip a private address in.</item>
/// </list>
/// Messages name the host and the reason but never the path or query (signed URLs).
/// </summary>
public sealed class UrlGuard
{
    private readonly UrlGuardOptions _options;
    private readonly HashSet<IPEndPoint> _testEndpoints;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public UrlGuard(IOptions<UrlGuardOptions> options) : this(options.Value) { }

    /// <param name="resolve">DNS lookup; replaceable so tests can simulate rebinding or exotic answers.</param>
    public UrlGuard(UrlGuardOptions options, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _options = options;
        _resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
        _testEndpoints = options.AllowedTestEndpoints
            .Select(e => IPEndPoint.TryParse(e, out var ep) && ep.Port != 0 ? ep
                : throw new InvalidOperationException($"AllowedTestEndpoints entry '{e}' is not an ip:port."))
            .ToHashSet();
    }

    public UrlGuardOptions Options => _options;

    /// <summary>Static checks, no DNS. Throws <see cref="UrlRefusedException"/> with the specific reason.</summary>
    public void EnsureAllowed(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
            throw new UrlRefusedException(UrlRefusal.NotAbsolute, "The address must be a full URL starting with https://.");
        var https = uri.Scheme == Uri.UriSchemeHttps;
        var http = uri.Scheme == Uri.UriSchemeHttp;
        if (!https && !(http && _options.AllowHttp))
            throw new UrlRefusedException(UrlRefusal.SchemeNotAllowed, http
                ? $"Only https addresses are allowed; {uri.Host} was given over plain http."
                : $"Only https addresses are allowed, not '{uri.Scheme}:'.");
        // user:pass@host hides the real host from casual readers and leaks credentials into logs.
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new UrlRefusedException(UrlRefusal.UserInfo, "Addresses with a user name or password (user@host) are not allowed.");
        if (string.IsNullOrEmpty(uri.Host))
            throw new UrlRefusedException(UrlRefusal.MissingHost, "The address has no host.");

        var literal = ParseLiteralHost(uri);
        if (literal is not null)
        {
            if (IsTestExempt(literal, uri.Port)) return;
            EnsurePublic(literal, uri.Host);
        }
        if (!uri.IsDefaultPort && !_options.AllowNonDefaultPorts)
            throw new UrlRefusedException(UrlRefusal.PortNotAllowed, $"Only the standard port is allowed; {uri.Host} was given with port {uri.Port}.");
    }

    /// <summary>Static checks plus DNS: for URLs we hand to others (webhooks, the public base URL) or fetch later.</summary>
    public async Task EnsureAllowedAsync(Uri uri, CancellationToken cancellationToken = default)
    {
        EnsureAllowed(uri);
        await ResolveAllowedAsync(uri.IdnHost, uri.Port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="uri"/> is https on a host whose every address is public: a fixed rule some services state
    /// for the URLs they call back (Tengr's <c>webhook</c>, 001), applied as written. None of this guard's test
    /// allowances (http, loopback, test endpoints) count here: a service that is handed anything else refuses the job.
    /// </summary>
    public async Task<bool> IsPublicHttpsAsync(Uri uri, CancellationToken cancellationToken = default)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.UserInfo) || string.IsNullOrEmpty(uri.Host))
            return false;
        var host = uri.IdnHost.TrimStart('[').TrimEnd(']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
            addresses = [literal];
        else if (LooksNumeric(host))
            return false;
        else
        {
            try
            {
                addresses = await _resolve(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return false;
            }
        }
        return addresses.Length > 0 && addresses.All(a => AddressClassifier.Classify(a).IsPublic);
    }

    /// <summary>
    /// Resolves <paramref name="host"/> and returns its addresses if every one of them may be contacted on <paramref name="port"/>.
    /// One forbidden address refuses the host: a mixed answer is a rebinding or split-horizon trick, not a CDN.
    /// </summary>
    public async Task<IPAddress[]> ResolveAllowedAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        host = host.TrimStart('[').TrimEnd(']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
            addresses = [literal];
        else if (LooksNumeric(host))
            addresses = [ParseInetAton(host) ?? throw new UrlRefusedException(UrlRefusal.ForbiddenAddress, $"The numeric host {host} is not a valid address.", AddressCategory.Reserved)];
        else
        {
            try
            {
                addresses = await _resolve(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new UrlRefusedException(UrlRefusal.HostNotResolved, $"The host {host} could not be found ({e.SocketErrorCode}).");
            }
        }
        if (addresses.Length == 0)
            throw new UrlRefusedException(UrlRefusal.HostNotResolved, $"The host {host} has no addresses.");
        foreach (var address in addresses)
            if (!IsTestExempt(address, port))
                EnsurePublic(address, host);
        return addresses;
    }

    /// <summary>
    /// <see cref="SocketsHttpHandler.ConnectCallback"/>: resolve, check, then connect to one of the checked addresses —
    /// never let the handler resolve the name again on its own.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await ResolveAllowedAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    private bool IsTestExempt(IPAddress address, int port)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return (_options.AllowLoopbackForTests && IPAddress.IsLoopback(address))
               || _testEndpoints.Contains(new IPEndPoint(address, port));
    }

    private static void EnsurePublic(IPAddress address, string host)
    {
        var c = AddressClassifier.Classify(address);
        if (c.IsPublic) return;
        var shown = host.Trim('[', ']') == address.ToString() ? address.ToString() : $"{host} ({address})";
        var via = c.EmbeddedIPv4 is null ? "" : $" embeds {c.EmbeddedIPv4}, which is";
        throw new UrlRefusedException(UrlRefusal.ForbiddenAddress,
            $"The address {shown}{(via == "" ? " is" : via)} {AddressClassifier.Describe(c.Category)}; only public internet hosts are allowed.",
            c.Category);
    }

    /// <summary>
    /// The host as an IP address if it is one in any notation. <see cref="Uri"/> already canonicalises most IPv4 forms
    /// (2130706433, 0x7f.1, 0177.0.0.1); the inet_aton parse below is a second line for whatever it leaves as a "name",
    /// because the system resolver would still read such a name as an address.
    /// </summary>
    private static IPAddress? ParseLiteralHost(Uri uri)
    {
        var host = uri.Host.TrimStart('[').TrimEnd(']');
        if (IPAddress.TryParse(host, out var ip) && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || LooksNumeric(host)))
            return ip;
        return LooksNumeric(host) ? ParseInetAton(host) : null;
    }

    private static bool LooksNumeric(string host) =>
        host.Length > 0 && host.TrimEnd('.').Split('.').All(p => p.Length > 0 && (p.All(char.IsAsciiDigit)
            || (p.Length > 2 && p[0] == '0' && (p[1] | 0x20) == 'x' && p[2..].All(char.IsAsciiHexDigit))));

    /// <summary>inet_aton: 1–4 parts, each decimal, 0-octal or 0x-hex; the last part fills the remaining bytes.</summary>
    internal static IPAddress? ParseInetAton(string host)
    {
        var parts = host.TrimEnd('.').Split('.');
        if (parts.Length is < 1 or > 4) return null;
        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            try
            {
                values[i] = p.Length > 2 && p[0] == '0' && (p[1] | 0x20) == 'x' ? ulong.Parse(p[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
                    : p.Length > 1 && p[0] == '0' ? Convert.ToUInt64(p, 8)
                    : ulong.Parse(p, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                return null;
            }
        }
        ulong result = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (values[i] > 255) return null;
            result |= values[i] << (8 * (3 - i));
        }
        var lastBits = 8 * (4 - (parts.Length - 1));
        if (values[^1] >= 1UL << lastBits) return null;
        result |= values[^1];
        return new IPAddress(new[] { (byte)(result >> 24), (byte)(result >> 16), (byte)(result >> 8), (byte)result });
    }
}
