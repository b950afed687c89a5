using System.Text.Json.Serialization;
using Engine.Core.Containers;
using Engine.Storage.Images;

namespace Engine.Http.Json;

// Wire shapes of the container endpoints. Property names are Docker's; each answer is the superset
// of what v1.19 and later clients read (State.Status, NetworkSettings.Networks, Mounts...).

/// <summary>The part of POST /containers/create that is not the ContainerConfig itself.</summary>
internal sealed class CreateBodyExtras
{
    public HostConfig? HostConfig { get; set; }
}

internal sealed class ContainerCreateResponse
{
    public required string Id { get; init; }
    public List<string> Warnings { get; init; } = [];
}

internal sealed class ContainerWaitResponse
{
    public int StatusCode { get; init; }
}

internal sealed class ContainerListItem
{
    public required string Id { get; init; }
    public List<string> Names { get; init; } = [];
    public string Image { get; init; } = "";
    public string ImageID { get; init; } = "";
    public string Command { get; init; } = "";
    public long Created { get; init; }
    public List<PortJson> Ports { get; init; } = [];
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRw { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRootFs { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
    public string State { get; init; } = "";
    public string Status { get; init; } = "";
    public ListHostConfigJson HostConfig { get; init; } = new();
    public ListNetworkSettingsJson NetworkSettings { get; init; } = new();
    public List<MountJson> Mounts { get; init; } = [];
}

internal sealed class PortJson
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? IP { get; init; }
    public int PrivatePort { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int PublicPort { get; init; }
    public string Type { get; init; } = "tcp";
}

internal sealed class ListHostConfigJson
{
    public string NetworkMode { get; init; } = "default";
}

internal sealed class ListNetworkSettingsJson
{
    public Dictionary<string, EndpointJson> Networks { get; init; } = [];
}

internal sealed class MountJson
{
    public string Type { get; init; } = "volume";
    public string Name { get; init; } = "";
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Driver { get; init; } = "local";
    public string Mode { get; init; } = "";
    public bool RW { get; init; }
    public string Propagation { get; init; } = "";
}

internal sealed class ContainerInspectResponse
{
    public required string Id { get; init; }
    public required string Created { get; init; }
    public string Path { get; init; } = "";
    public List<string> Args { get; init; } = [];
    public required ContainerStateJson State { get; init; }
    public string Image { get; init; } = "";
    public required NetworkSettingsJson NetworkSettings { get; init; }
    public string ResolvConfPath { get; init; } = "";
    public string HostnamePath { get; init; } = "";
    public string HostsPath { get; init; } = "";
    public string LogPath { get; init; } = "";
    public string Name { get; init; } = "";
    public int RestartCount { get; init; }
    public string Driver { get; init; } = "";
    public string ExecDriver { get; init; } = "";
    public string Platform { get; init; } = "linux";
    public string MountLabel { get; init; } = "";
    public string ProcessLabel { get; init; } = "";
    public string AppArmorProfile { get; init; } = "";
    public List<string>? ExecIDs { get; init; }
    public required HostConfig HostConfig { get; init; }
    public Dictionary<string, string> Volumes { get; init; } = [];
    public Dictionary<string, bool> VolumesRW { get; init; } = [];
    public List<MountJson> Mounts { get; init; } = [];
    public required ContainerConfig Config { get; init; }
}

internal sealed class ContainerStateJson
{
    public string Status { get; init; } = "";
    public bool Running { get; init; }
    public bool Paused { get; init; }
    public bool Restarting { get; init; }
    public bool OOMKilled { get; init; }
    public bool Dead { get; init; }
    public int Pid { get; init; }
    public int ExitCode { get; init; }
    public string Error { get; init; } = "";
    public string StartedAt { get; init; } = "";
    public string FinishedAt { get; init; } = "";
}

internal sealed class NetworkSettingsJson
{
    public string Bridge { get; init; } = "";
    public string SandboxID { get; init; } = "";
    public bool HairpinMode { get; init; }
    public string LinkLocalIPv6Address { get; init; } = "";
    public int LinkLocalIPv6PrefixLen { get; init; }
    public IReadOnlyDictionary<string, List<PortBinding>?>? Ports { get; init; }
    public string SandboxKey { get; init; } = "";
    public string EndpointID { get; init; } = "";
    public string Gateway { get; init; } = "";
    public string GlobalIPv6Address { get; init; } = "";
    public int GlobalIPv6PrefixLen { get; init; }
    public string IPAddress { get; init; } = "";
    public int IPPrefixLen { get; init; }
    public string IPv6Gateway { get; init; } = "";
    public string MacAddress { get; init; } = "";
    public object? PortMapping { get; init; }
    public Dictionary<string, EndpointJson> Networks { get; init; } = [];
}

internal sealed class EndpointJson
{
    public List<string>? Links { get; init; }
    public List<string>? Aliases { get; init; }
    public string NetworkID { get; init; } = "";
    public string EndpointID { get; init; } = "";
    public string Gateway { get; init; } = "";
    public string IPAddress { get; init; } = "";
    public int IPPrefixLen { get; init; }
    public string IPv6Gateway { get; init; } = "";
    public string GlobalIPv6Address { get; init; } = "";
    public int GlobalIPv6PrefixLen { get; init; }
    public string MacAddress { get; init; } = "";
}
