using Engine.Core.Containers;
using Engine.Http.Json;
using Engine.Http.Routing;

namespace Engine.Http.Handlers;

/// <summary>Engine models to wire shapes.</summary>
internal static partial class ContainerHandlers
{
    internal static ContainerListItem ToListItem(ContainerSummary s, bool size, ApiVersion? version)
    {
        var networkMode = string.IsNullOrEmpty(s.NetworkMode) ? "default" : s.NetworkMode;
        return new ContainerListItem
        {
            Id = s.Id,
            Names = [.. s.Names],
            Image = s.Image,
            ImageID = DockerFormat.ImageId(s.ImageId, version),
            Command = s.Command,
            Created = DockerFormat.UnixSeconds(s.Created),
            Ports = [.. s.Ports.Select(p => new PortJson { IP = string.IsNullOrEmpty(p.IP) ? null : p.IP, PrivatePort = p.PrivatePort, PublicPort = p.PublicPort, Type = p.Type })],
            SizeRw = size ? s.SizeRw ?? 0 : null,
            SizeRootFs = size ? s.SizeRootFs ?? 0 : null,
            Labels = new Dictionary<string, string>(s.Labels),
            State = s.State,
            Status = s.Status,
            HostConfig = new ListHostConfigJson { NetworkMode = networkMode },
            NetworkSettings = new ListNetworkSettingsJson { Networks = Networks(networkMode, null) },
        };
    }

    internal static ContainerInspectResponse ToInspect(ContainerDetails d, ApiVersion? version)
    {
        var net = d.NetworkSettings;
        var networkMode = !string.IsNullOrEmpty(net.NetworkMode) ? net.NetworkMode
            : !string.IsNullOrEmpty(d.HostConfig.NetworkMode) ? d.HostConfig.NetworkMode
            : "default";
        return new ContainerInspectResponse
        {
            Id = d.Id,
            Created = DockerFormat.Rfc3339Nano(d.Created),
            Path = d.Path,
            Args = [.. d.Args],
            State = new ContainerStateJson
            {
                Status = d.State.Status,
                Running = d.State.Running,
                Paused = d.State.Paused,
                Restarting = d.State.Restarting,
                OOMKilled = d.State.OOMKilled,
                Dead = d.State.Dead,
                Pid = d.State.Pid,
                ExitCode = d.State.ExitCode,
                Error = d.State.Error,
                StartedAt = DockerFormat.Rfc3339Nano(d.State.StartedAt),
                FinishedAt = DockerFormat.Rfc3339Nano(d.State.FinishedAt),
            },
            Image = DockerFormat.ImageId(d.Image, version),
            NetworkSettings = new NetworkSettingsJson
            {
                Bridge = net.Bridge,
                Gateway = net.Gateway,
                IPAddress = net.IPAddress,
                IPPrefixLen = net.IPPrefixLen,
                MacAddress = net.MacAddress,
                EndpointID = net.EndpointID,
                Ports = net.Ports,
                Networks = Networks(networkMode, net),
            },
            ResolvConfPath = d.ResolvConfPath,
            HostnamePath = d.HostnamePath,
            HostsPath = d.HostsPath,
            LogPath = d.LogPath,
            Name = d.Name,
            RestartCount = d.RestartCount,
            Driver = d.Driver,
            ExecDriver = d.ExecDriver,
            ExecIDs = d.ExecIds.Count == 0 ? null : [.. d.ExecIds],
            HostConfig = d.HostConfig,
            Volumes = new Dictionary<string, string>(d.Volumes),
            VolumesRW = new Dictionary<string, bool>(d.VolumesRW),
            Mounts = [.. d.Volumes.Select(v => new MountJson
            {
                Destination = v.Key,
                Source = v.Value,
                RW = !d.VolumesRW.TryGetValue(v.Key, out var rw) || rw,
            })],
            Config = d.Config,
        };
    }

    /// <summary>
    /// NetworkSettings.Networks as later clients read it: one entry named after the network mode
    /// ("default" and "" are "bridge"), none for "none" and "container:..." modes.
    /// </summary>
    internal static Dictionary<string, EndpointJson> Networks(string networkMode, NetworkInfo? net)
    {
        var name = networkMode is "" or "default" ? "bridge" : networkMode;
        if (name == "none" || name.StartsWith("container:", StringComparison.Ordinal))
        {
            return [];
        }
        return new Dictionary<string, EndpointJson>
        {
            [name] = new EndpointJson
            {
                Gateway = net?.Gateway ?? "",
                IPAddress = net?.IPAddress ?? "",
                IPPrefixLen = net?.IPPrefixLen ?? 0,
                MacAddress = net?.MacAddress ?? "",
                NetworkID = net?.NetworkID ?? "",
                EndpointID = net?.EndpointID ?? "",
            },
        };
    }
}
