namespace Engine.Core.Containers;

/// <summary>Docker's HostConfig (v1.19 fields). Property names are Docker's.</summary>
public sealed class HostConfig
{
    public List<string>? Binds { get; set; }
    public string ContainerIDFile { get; set; } = "";
    public LogConfig LogConfig { get; set; } = new();
    public string NetworkMode { get; set; } = "";
    public Dictionary<string, List<PortBinding>>? PortBindings { get; set; }
    public RestartPolicy RestartPolicy { get; set; } = new();
    public List<string>? VolumesFrom { get; set; }
    public List<string>? CapAdd { get; set; }
    public List<string>? CapDrop { get; set; }
    public List<string>? Dns { get; set; }
    public List<string>? DnsSearch { get; set; }
    public List<string>? ExtraHosts { get; set; }
    public string IpcMode { get; set; } = "";
    public List<string>? Links { get; set; }
    public string PidMode { get; set; } = "";
    public string UTSMode { get; set; } = "";
    public bool Privileged { get; set; }
    public bool PublishAllPorts { get; set; }
    public bool ReadonlyRootfs { get; set; }
    public List<string>? SecurityOpt { get; set; }
    public string CgroupParent { get; set; } = "";
    public long Memory { get; set; }
    public long MemorySwap { get; set; }
    public long CpuShares { get; set; }
    public long CpuPeriod { get; set; }
    public long CpuQuota { get; set; }
    public string CpusetCpus { get; set; } = "";
    public string CpusetMems { get; set; } = "";
    public long BlkioWeight { get; set; }
    public bool OomKillDisable { get; set; }
    public List<DeviceMapping>? Devices { get; set; }
    public List<Ulimit>? Ulimits { get; set; }
    public List<string>? LxcConf { get; set; }
}

public sealed class LogConfig
{
    public string Type { get; set; } = "json-file";
    public Dictionary<string, string>? Config { get; set; }
}

public sealed class RestartPolicy
{
    public string Name { get; set; } = "";
    public int MaximumRetryCount { get; set; }
}

public sealed class PortBinding
{
    public string HostIp { get; set; } = "";
    public string HostPort { get; set; } = "";
}

public sealed class DeviceMapping
{
    public string PathOnHost { get; set; } = "";
    public string PathInContainer { get; set; } = "";
    public string CgroupPermissions { get; set; } = "";
}

public sealed class Ulimit
{
    public string Name { get; set; } = "";
    public long Soft { get; set; }
    public long Hard { get; set; }
}
