using System.Globalization;
using Engine.Storage.Errors;

namespace Engine.Core.Networking;

/// <summary>A container port with its protocol: Docker's "80/tcp" keys.</summary>
public readonly record struct PortSpec(int Port, string Proto)
{
    public override string ToString() => $"{Port}/{Proto}";

    /// <summary>"80", "80/tcp", "53/udp". Anything else is Docker's "Invalid port specification".</summary>
    public static PortSpec Parse(string key)
    {
        var slash = key.IndexOf('/');
        var port = slash < 0 ? key : key[..slash];
        var proto = slash < 0 ? "tcp" : key[(slash + 1)..].ToLowerInvariant();
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535)
        {
            throw EngineException.Invalid($"Invalid port specification: \"{key}\"");
        }
        if (proto is not ("tcp" or "udp"))
        {
            throw EngineException.Invalid($"Invalid proto: {proto}");
        }
        return new PortSpec(n, proto);
    }

    /// <summary>Docker's order: by port, then protocol.</summary>
    public static int Compare(PortSpec a, PortSpec b) => a.Port != b.Port ? a.Port.CompareTo(b.Port) : string.CompareOrdinal(a.Proto, b.Proto);
}
