using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Engine.Core.Containers;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Native = Engine.Core.Interop.Interop;

namespace Engine.Core.Networking;

/// <summary>
/// Docker's default bridge network: the bridge and its NAT rule (made at engine start, removed at stop when this
/// engine made them), the IP allocator of its subnet, and each running container's endpoint (veth pair, address,
/// userland port proxies). See Networking/README.md.
/// </summary>
public sealed partial class BridgeNetwork
{
    private readonly EngineOptions _options;
    private readonly ILogger<BridgeNetwork> _logger;
    private readonly object _ipLock = new();
    private readonly HashSet<uint> _allocated = [];
    private readonly ConcurrentDictionary<string, List<PortProxy>> _proxies = new(StringComparer.Ordinal);
    private uint _nextHost;
    private bool _ownsBridge;
    private bool _started;

    public BridgeNetwork(IOptions<EngineOptions> options, ILogger<BridgeNetwork> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>False when EngineOptions.Bridge is "none": "bridge" containers then get only lo.</summary>
    public bool Enabled => _options.Bridge != "none";

    public string BridgeName => _options.Bridge;

    /// <summary>The bridge's address and subnet once started.</summary>
    public Ipv4Subnet Subnet { get; private set; }

    /// <summary>A stable id of the network (sha256 of the bridge name), NetworkSettings.Networks.bridge.NetworkID.</summary>
    public string NetworkId => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("bridge:" + _options.Bridge)));

    private string MarkerPath => Path.Combine(_options.ExecRoot, "network", _options.Bridge + ".created");

    private List<string> MasqueradeRule => ["-s", Subnet.NetworkCidr, "!", "-o", BridgeName, "-j", "MASQUERADE"];
    private List<string> ForwardInRule => ["-i", BridgeName, "-j", "ACCEPT"];
    private List<string> ForwardOutRule => ["-o", BridgeName, "-j", "ACCEPT"];

    /// <summary>Creates (or adopts) the bridge, gives it its address, sets it up, enables forwarding and NAT.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!Enabled || _started)
        {
            return;
        }
        Subnet = ChooseSubnet();
        using (var nl = Native.NetlinkOpen())
        {
            int index = Native.LinkIndex(BridgeName);
            if (index == 0)
            {
                Native.CreateBridge(nl, BridgeName, _options.Mtu);
                index = Native.LinkIndex(BridgeName);
                Directory.CreateDirectory(Path.GetDirectoryName(MarkerPath)!);
                File.WriteAllText(MarkerPath, Subnet.ToString());
                _ownsBridge = true;
                LogBridgeCreated(BridgeName, Subnet.ToString());
            }
            else
            {
                // Made by this engine before a crash (the marker survives in the exec root), or by someone else.
                _ownsBridge = File.Exists(MarkerPath);
                LogBridgeReused(BridgeName, _ownsBridge);
            }
            Native.AddAddress(nl, index, BridgeName, Ipv4Subnet.Bytes(Subnet.Address), Subnet.PrefixLength, Ipv4Subnet.Bytes(Subnet.Broadcast));
            Native.LinkSetUp(nl, index, BridgeName);
        }
        try
        {
            if (File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim() != "1")
            {
                File.WriteAllText("/proc/sys/net/ipv4/ip_forward", "1");
            }
            if (Iptables.Available)
            {
                await Iptables.EnsureAsync("nat", "POSTROUTING", MasqueradeRule, insert: false, cancellationToken).ConfigureAwait(false);
                await Iptables.EnsureAsync("filter", "FORWARD", ForwardInRule, insert: true, cancellationToken).ConfigureAwait(false);
                await Iptables.EnsureAsync("filter", "FORWARD", ForwardOutRule, insert: true, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                LogNoIptables(BridgeName);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            LogEgressFailed(BridgeName, e);
        }
        _started = true;
    }

    /// <summary>Releases every endpoint left, then removes the rules and the bridge if this engine made them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            return;
        }
        foreach (var id in _proxies.Keys.ToList())
        {
            await StopProxiesAsync(id).ConfigureAwait(false);
        }
        if (!_ownsBridge)
        {
            _started = false;
            return;
        }
        if (Iptables.Available)
        {
            await Iptables.DeleteAsync("nat", "POSTROUTING", MasqueradeRule, cancellationToken).ConfigureAwait(false);
            await Iptables.DeleteAsync("filter", "FORWARD", ForwardInRule, cancellationToken).ConfigureAwait(false);
            await Iptables.DeleteAsync("filter", "FORWARD", ForwardOutRule, cancellationToken).ConfigureAwait(false);
        }
        using (var nl = Native.NetlinkOpen())
        {
            Native.DeleteLink(nl, BridgeName);
        }
        File.Delete(MarkerPath);
        LogBridgeRemoved(BridgeName);
        _started = false;
    }

    private Ipv4Subnet ChooseSubnet()
    {
        if (_options.BridgeIp is { Length: > 0 } cidr)
        {
            return Ipv4Subnet.TryParse(cidr, out var s) ? s : throw EngineException.Invalid($"invalid bridge IP {cidr}: want an IPv4 CIDR such as 172.29.0.1/16");
        }
        var routes = Ipv4Subnet.HostRoutes(exceptDevice: BridgeName);
        // An existing bridge of that name keeps its subnet (its connected route names it).
        var own = Ipv4Subnet.HostRoutes().Except(routes).FirstOrDefault();
        if (own.PrefixLength != 0)
        {
            return new Ipv4Subnet(own.Network + 1, own.PrefixLength);
        }
        var candidates = new List<Ipv4Subnet> { Ipv4Subnet.Parse("172.29.0.1/16"), Ipv4Subnet.Parse("172.30.0.1/16"), Ipv4Subnet.Parse("172.31.0.1/16") };
        for (uint b = 17; b <= 28; b++)
        {
            candidates.Add(new Ipv4Subnet((172u << 24) | (b << 16) | 1, 16));
        }
        for (uint b = 0; b < 256; b++)
        {
            candidates.Add(new Ipv4Subnet((192u << 24) | (168u << 16) | (b << 8) | 1, 24));
        }
        foreach (var c in candidates)
        {
            if (!routes.Any(r => r.Overlaps(c)))
            {
                return c;
            }
        }
        throw new EngineException(ErrorKind.Internal, "Could not find a free IP address range for the bridge; set BridgeIp (--bip)");
    }

    /// <summary>Docker's MAC of an address: 02:42 and the four bytes of the IPv4 address.</summary>
    public static string MacFor(uint address) => string.Join(':', ((byte[])[0x02, 0x42, .. Ipv4Subnet.Bytes(address)]).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    private uint AllocateIp()
    {
        lock (_ipLock)
        {
            var hosts = (uint)Subnet.HostCount;
            for (uint i = 0; i < hosts; i++)
            {
                var candidate = Subnet.Network + 1 + ((_nextHost + i) % hosts);
                if (candidate != Subnet.Address && _allocated.Add(candidate))
                {
                    _nextHost = (_nextHost + i + 1) % hosts;
                    return candidate;
                }
            }
        }
        throw new EngineException(ErrorKind.Internal, $"no available IP addresses on network {BridgeName}");
    }

    private void FreeIp(string address)
    {
        if (IPAddress.TryParse(address, out var ip))
        {
            lock (_ipLock)
            {
                _allocated.Remove(Ipv4Subnet.FromIp(ip));
            }
        }
    }

    /// <summary>
    /// The first half of wiring a container: its address, MAC and published ports (listening already, so a port in
    /// use fails here, before anything runs). Undone by <see cref="ReleaseAsync"/>.
    /// </summary>
    internal async Task<EndpointState> AllocateAsync(string containerId, ContainerConfig config, HostConfig hostConfig)
    {
        if (!_started)
        {
            throw new EngineException(ErrorKind.Internal, $"bridge network {BridgeName} is not started");
        }
        var address = AllocateIp();
        var state = new EndpointState
        {
            Bridge = BridgeName,
            NetworkId = NetworkId,
            EndpointId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            IPAddress = Ipv4Subnet.ToIp(address).ToString(),
            IPPrefixLen = Subnet.PrefixLength,
            Gateway = Subnet.Ip.ToString(),
            MacAddress = string.IsNullOrEmpty(config.MacAddress) ? MacFor(address) : config.MacAddress.ToLowerInvariant(),
            HostVeth = "veth" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))[..7],
        };
        try
        {
            state.Ports = BindPorts(containerId, Ipv4Subnet.ToIp(address), config, hostConfig);
        }
        catch
        {
            await StopProxiesAsync(containerId).ConfigureAwait(false);
            FreeIp(state.IPAddress);
            throw;
        }
        LogAllocated(containerId, state.IPAddress, state.Ports.Count);
        return state;
    }

    private Dictionary<string, List<PortBinding>?> BindPorts(string containerId, IPAddress containerIp, ContainerConfig config, HostConfig hostConfig)
    {
        var wanted = new Dictionary<PortSpec, List<PortBinding>>();
        foreach (var key in config.ExposedPorts?.Keys ?? Enumerable.Empty<string>())
        {
            wanted.TryAdd(PortSpec.Parse(key), []);
        }
        foreach (var (key, bindings) in hostConfig.PortBindings ?? [])
        {
            var port = PortSpec.Parse(key);
            if (!wanted.TryGetValue(port, out var list))
            {
                wanted[port] = list = [];
            }
            list.AddRange(bindings ?? []);
        }
        var result = new Dictionary<string, List<PortBinding>?>(StringComparer.Ordinal);
        var proxies = _proxies.GetOrAdd(containerId, _ => []);
        foreach (var (port, bindings) in wanted.OrderBy(p => p.Key, Comparer<PortSpec>.Create(PortSpec.Compare)))
        {
            if (bindings.Count == 0 && hostConfig.PublishAllPorts)
            {
                bindings.Add(new PortBinding());
            }
            if (bindings.Count == 0)
            {
                result[port.ToString()] = null;
                continue;
            }
            var actual = new List<PortBinding>();
            foreach (var binding in bindings)
            {
                var hostIp = string.IsNullOrEmpty(binding.HostIp) ? IPAddress.Any
                    : IPAddress.TryParse(binding.HostIp, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? ip
                    : throw EngineException.Invalid($"Invalid ip address: {binding.HostIp}");
                var hostPort = 0;
                if (!string.IsNullOrEmpty(binding.HostPort)
                    && (!int.TryParse(binding.HostPort, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out hostPort) || hostPort > 65535))
                {
                    throw EngineException.Invalid($"Invalid hostPort: {binding.HostPort}");
                }
                var proxy = PortProxy.Bind(hostIp, hostPort, port.Proto, new IPEndPoint(containerIp, port.Port));
                lock (proxies)
                {
                    proxies.Add(proxy);
                }
                actual.Add(new PortBinding { HostIp = hostIp.ToString(), HostPort = proxy.HostEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
            result[port.ToString()] = actual;
        }
        return result;
    }

    /// <summary>
    /// The second half, between the init's "ready" and "go": a veth pair whose host end joins the bridge and whose
    /// peer is created as eth0 in the container's namespace, then (from a thread inside that namespace) its address,
    /// link up and default route. The proxies start forwarding.
    /// </summary>
    internal async Task AttachAsync(string containerId, EndpointState state, int pid, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(state.IPAddress);
        var gateway = IPAddress.Parse(state.Gateway);
        var mac = state.MacAddress.Split(':').Select(h => Convert.ToByte(h, 16)).ToArray();
        var broadcast = Ipv4Subnet.Bytes(new Ipv4Subnet(Ipv4Subnet.FromIp(address), state.IPPrefixLen).Broadcast);
        try
        {
            await Runtime.DedicatedThread.RunAsync("engine-veth", () =>
            {
                using var nl = Native.NetlinkOpen();
                int bridge = Native.LinkIndex(state.Bridge);
                if (bridge == 0)
                {
                    throw new EngineException(ErrorKind.Internal, $"bridge {state.Bridge} does not exist");
                }
                Native.CreateVeth(nl, state.HostVeth, "eth0", mac, _options.Mtu, pid);
                Native.LinkSetUp(nl, Native.LinkIndex(state.HostVeth), state.HostVeth, bridge);
                return true;
            }).ConfigureAwait(false);
            await Runtime.DedicatedThread.RunAsync("engine-netns", () =>
            {
                var path = $"/proc/{pid}/ns/net";
                using (var ns = Native.Open(path, Native.O_RDONLY))
                {
                    Native.SetNs(ns, Native.CLONE_NEWNET, path);
                }
                using var nl = Native.NetlinkOpen();
                int eth0 = Native.LinkIndex("eth0");
                Native.AddAddress(nl, eth0, "eth0", address.GetAddressBytes(), state.IPPrefixLen, broadcast);
                Native.LinkSetUp(nl, eth0, "eth0");
                Native.AddDefaultRoute(nl, eth0, "eth0", gateway.GetAddressBytes());
                return true;
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogAttachFailed(containerId, state.HostVeth, e);
            DeleteVeth(state.HostVeth);
            throw;
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (_proxies.TryGetValue(containerId, out var proxies))
        {
            lock (proxies)
            {
                foreach (var p in proxies)
                {
                    p.Start();
                }
            }
        }
        LogAttached(containerId, state.HostVeth, state.IPAddress, pid);
    }

    /// <summary>Stops the proxies, deletes the host veth (its peer goes with it) and frees the address. Idempotent.</summary>
    internal async Task ReleaseAsync(string containerId, EndpointState state)
    {
        await StopProxiesAsync(containerId).ConfigureAwait(false);
        DeleteVeth(state.HostVeth);
        FreeIp(state.IPAddress);
        LogReleased(containerId, state.HostVeth, state.IPAddress);
    }

    private void DeleteVeth(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }
        try
        {
            using var nl = Native.NetlinkOpen();
            Native.DeleteLink(nl, name);
        }
        catch (IOException e)
        {
            LogVethDeleteFailed(name, e);
        }
    }

    private async Task StopProxiesAsync(string containerId)
    {
        if (_proxies.TryRemove(containerId, out var proxies))
        {
            List<PortProxy> copy;
            lock (proxies)
            {
                copy = [.. proxies];
            }
            foreach (var p in copy)
            {
                await p.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

}
