using System.Globalization;
using System.Net;

namespace Engine.Host;

/// <summary>One --host value: a unix socket path or a TCP endpoint.</summary>
internal sealed record ListenAddress(string? UnixPath, IPAddress? Address, int Port)
{
    public static bool TryParse(string value, out ListenAddress? address)
    {
        address = null;
        if (value.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = value["unix://".Length..];
            if (path.Length == 0 || path[0] != '/')
            {
                return false;
            }
            address = new ListenAddress(path, null, 0);
            return true;
        }
        if (value.StartsWith("tcp://", StringComparison.Ordinal))
        {
            var rest = value["tcp://".Length..].TrimEnd('/');
            var colon = rest.LastIndexOf(':');
            if (colon < 0 || !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            {
                return false;
            }
            var host = rest[..colon].Trim('[', ']');
            IPAddress ip;
            if (host is "" or "0.0.0.0")
            {
                ip = IPAddress.Any;
            }
            else if (host == "localhost")
            {
                ip = IPAddress.Loopback;
            }
            else if (!IPAddress.TryParse(host, out ip!))
            {
                return false;
            }
            address = new ListenAddress(null, ip, port);
            return true;
        }
        return false;
    }
}
