using System.Globalization;
using System.Net;

namespace Engine.Core.Networking;

/// <summary>An IPv4 network with a host address in it ("172.29.0.1/16": the bridge's address and its subnet).</summary>
public readonly record struct Ipv4Subnet(uint Address, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
    public uint Network => Address & Mask;
    public uint Broadcast => Network | ~Mask;

    /// <summary>Number of usable host addresses (network and broadcast excluded).</summary>
    public long HostCount => PrefixLength >= 31 ? 0 : (1L << (32 - PrefixLength)) - 2;

    public IPAddress Ip => ToIp(Address);
    public IPAddress NetworkIp => ToIp(Network);

    public bool Contains(uint address) => (address & Mask) == Network;

    public bool Overlaps(Ipv4Subnet other)
    {
        var mask = PrefixLength < other.PrefixLength ? Mask : other.Mask;
        return (Address & mask) == (other.Address & mask);
    }

    /// <summary>"a.b.c.d/n" with a host address; false for anything else (IPv6, prefix outside 8..30).</summary>
    public static bool TryParse(string? text, out Ipv4Subnet subnet)
    {
        subnet = default;
        var slash = text?.IndexOf('/') ?? -1;
        if (text is null || slash <= 0
            || !IPAddress.TryParse(text[..slash], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 8 or > 30)
        {
            return false;
        }
        subnet = new Ipv4Subnet(FromIp(ip), prefix);
        return true;
    }

    public static Ipv4Subnet Parse(string text) => TryParse(text, out var s) ? s : throw new FormatException($"invalid IPv4 CIDR: {text}");

    public static uint FromIp(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    public static IPAddress ToIp(uint address) => new([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]);

    public static byte[] Bytes(uint address) => [(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address];

    public override string ToString() => $"{Ip}/{PrefixLength}";

    /// <summary>The subnet in network form ("172.29.0.0/16").</summary>
    public string NetworkCidr => $"{NetworkIp}/{PrefixLength}";

    /// <summary>IPv4 routes of the host's main table (from /proc/net/route), except those through <paramref name="exceptDevice"/>.</summary>
    public static List<Ipv4Subnet> HostRoutes(string? exceptDevice = null)
    {
        var routes = new List<Ipv4Subnet>();
        if (!File.Exists("/proc/net/route"))
        {
            return routes;
        }
        foreach (var line in File.ReadLines("/proc/net/route").Skip(1))
        {
            var f = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (f.Length < 8 || f[0] == exceptDevice)
            {
                continue;
            }
            // Little-endian hex of the network-order address.
            var dst = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(uint.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var mask = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(uint.Parse(f[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            if (mask == 0)
            {
                continue; // the default route overlaps everything; Docker ignores it too
            }
            routes.Add(new Ipv4Subnet(dst, 32 - System.Numerics.BitOperations.TrailingZeroCount(mask)));
        }
        return routes;
    }

    /// <summary>
    /// A random 10.x.y.1/24 that overlaps no host route: for tests and sandboxes, which must not share a
    /// subnet with another engine on the same machine.
    /// </summary>
    public static Ipv4Subnet RandomFree24()
    {
        var routes = HostRoutes();
        for (var i = 0; i < 1000; i++)
        {
            var candidate = new Ipv4Subnet((10u << 24) | ((uint)Random.Shared.Next(1, 255) << 16) | ((uint)Random.Shared.Next(0, 256) << 8) | 1, 24);
            if (!routes.Any(r => r.Overlaps(candidate)))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("no free 10.x.y.0/24 subnet");
    }
}
