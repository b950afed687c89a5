using Engine.Core.Networking;
using Engine.Core.Runtime;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

/// <summary>What a start needs from networking: the runtime's mode, the namespace to join, the hook that wires eth0, env and hostname.</summary>
internal sealed class NetworkPlan
{
    public string Mode { get; init; } = "none";
    public string? JoinNamespace { get; init; }
    public Func<int, CancellationToken, Task>? BeforeExec { get; init; }
    public List<string> LinkEnv { get; init; } = [];

    /// <summary>The container's env with the link variables first (its own Env wins, as in Docker).</summary>
    public List<string> Env(List<string> processEnv)
    {
        if (LinkEnv.Count == 0)
        {
            return processEnv;
        }
        var own = processEnv.Select(e => e.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        return [.. LinkEnv.Where(e => !own.Contains(e.Split('=', 2)[0])), .. processEnv];
    }
}

public sealed partial class ContainerManager
{
    /// <summary>
    /// Before a start (after the container's files are written): for "bridge", allocates the endpoint (address,
    /// published ports) and resolves links; for "container:x", shares x's namespace and files. Adds the /etc/hosts
    /// lines. The caller holds the container's lock and calls <see cref="ReleaseNetworkAsync"/> if the start fails.
    /// </summary>
    private async Task<NetworkPlan> PrepareNetworkAsync(Container container, List<MountSpec> mounts)
    {
        var record = container.Record;
        var mode = record.HostConfig.NetworkMode;
        record.Network = null;
        if (mode.StartsWith("container:", StringComparison.Ordinal))
        {
            var other = _store.Get(mode["container:".Length..]);
            if (other.Id == container.Id)
            {
                throw EngineException.Invalid("cannot join own network");
            }
            if (!other.Record.State.Running || other.Record.State.Pid == 0)
            {
                throw new EngineException(ErrorKind.Internal, $"cannot join network of a non running container: {other.Id}");
            }
            // Docker shares the other's hostname and its hosts, hostname and resolv.conf files.
            record.Config.Hostname = other.Record.Config.Hostname;
            record.Config.Domainname = other.Record.Config.Domainname;
            ReplaceSource(mounts, "/etc/hosts", ContainerFiles.HostsPath(other));
            ReplaceSource(mounts, "/etc/hostname", ContainerFiles.HostnamePath(other));
            ReplaceSource(mounts, "/etc/resolv.conf", ContainerFiles.ResolvConfPath(other));
            return new NetworkPlan { Mode = "container", JoinNamespace = $"/proc/{other.Record.State.Pid}/ns/net" };
        }
        // NetworkDisabled (docker run --net none before 1.8) is the same as NetworkMode none.
        var runtimeMode = record.Config.NetworkDisabled ? "none" : NetworkModeFor(record.HostConfig);
        if (runtimeMode != "bridge")
        {
            return new NetworkPlan { Mode = runtimeMode };
        }

        var hosts = new System.Text.StringBuilder();
        var linkEnv = new List<string>();
        foreach (var link in record.HostConfig.Links ?? [])
        {
            var colon = link.IndexOf(':');
            var name = (colon < 0 ? link : link[..colon]).TrimStart('/');
            var alias = (colon < 0 ? name : link[(colon + 1)..]).TrimEnd('/');
            alias = alias[(alias.LastIndexOf('/') + 1)..];
            Container child;
            try
            {
                child = _store.Get(name);
            }
            catch (EngineException e) when (e.Kind == ErrorKind.NotFound)
            {
                throw EngineException.NotFound($"Could not get container for {name}");
            }
            var ip = child.Record.State.Running ? child.Record.Network?.IPAddress : null;
            if (ip is null)
            {
                throw new EngineException(ErrorKind.Internal, $"Cannot link to a non running container: /{child.Record.Name} AS /{record.Name}/{alias}");
            }
            hosts.Append(ip).Append('\t').Append(alias);
            if (alias != child.Record.Name)
            {
                hosts.Append(' ').Append(child.Record.Name);
            }
            hosts.Append('\n');
            linkEnv.AddRange(LinkEnvironment.Build(record.Name, alias, ip, child.Record.Config.ExposedPorts?.Keys ?? Enumerable.Empty<string>(), child.Record.Config.Env ?? []));
        }

        if (!_network.Enabled)
        {
            File.AppendAllText(ContainerFiles.HostsPath(container), hosts.ToString());
            return new NetworkPlan { Mode = "bridge", LinkEnv = linkEnv };
        }
        var endpoint = await _network.AllocateAsync(container.Id, record.Config, record.HostConfig).ConfigureAwait(false);
        record.Network = endpoint;
        var self = string.IsNullOrEmpty(record.Config.Domainname)
            ? $"{endpoint.IPAddress}\t{record.Config.Hostname}\n"
            : $"{endpoint.IPAddress}\t{record.Config.Hostname}.{record.Config.Domainname} {record.Config.Hostname}\n";
        File.AppendAllText(ContainerFiles.HostsPath(container), self + hosts);
        var id = container.Id;
        return new NetworkPlan
        {
            Mode = "bridge",
            LinkEnv = linkEnv,
            BeforeExec = (pid, ct) => _network.AttachAsync(id, endpoint, pid, ct),
        };
    }

    /// <summary>Undoes <see cref="PrepareNetworkAsync"/> (the run ended or its start failed). Idempotent.</summary>
    private async Task ReleaseNetworkAsync(Container container)
    {
        if (container.Record.Network is { } endpoint)
        {
            container.Record.Network = null;
            await _network.ReleaseAsync(container.Id, endpoint).ConfigureAwait(false);
        }
    }

    private static void ReplaceSource(List<MountSpec> mounts, string target, string source)
    {
        var i = mounts.FindIndex(m => m.Target == target);
        if (i >= 0)
        {
            mounts[i] = mounts[i] with { Source = source };
        }
    }

    /// <summary>NetworkSettings of inspect: the endpoint of the running container's bridge network.</summary>
    private static NetworkInfo NetworkInfoFor(Container container)
    {
        var mode = NetworkModeName(container.Record.HostConfig);
        var n = container.Record.State.Running ? container.Record.Network : null;
        if (n is null)
        {
            return new NetworkInfo { NetworkMode = mode };
        }
        return new NetworkInfo
        {
            NetworkMode = mode,
            Bridge = n.Bridge,
            Gateway = n.Gateway,
            IPAddress = n.IPAddress,
            IPPrefixLen = n.IPPrefixLen,
            MacAddress = n.MacAddress,
            NetworkID = n.NetworkId,
            EndpointID = n.EndpointId,
            Ports = n.Ports,
        };
    }

    /// <summary>Ports of GET /containers/json: one row per binding, one without a public port for each unpublished exposed port.</summary>
    private static List<PortInfo> PortsFor(Container container)
    {
        var rows = new List<PortInfo>();
        var n = container.Record.State.Running ? container.Record.Network : null;
        if (n is null)
        {
            return rows;
        }
        foreach (var (key, bindings) in n.Ports)
        {
            var port = PortSpec.Parse(key);
            if (bindings is null || bindings.Count == 0)
            {
                rows.Add(new PortInfo("", port.Port, 0, port.Proto));
                continue;
            }
            foreach (var b in bindings)
            {
                rows.Add(new PortInfo(b.HostIp, port.Port, int.Parse(b.HostPort, System.Globalization.CultureInfo.InvariantCulture), port.Proto));
            }
        }
        return rows;
    }
}
