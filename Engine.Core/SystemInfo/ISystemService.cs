namespace Engine.Core.SystemInfo;

public sealed class EngineVersion
{
    public string Version { get; init; } = "";
    public string ApiVersion { get; init; } = "1.19";
    public string GitCommit { get; init; } = "";
    public string GoVersion { get; init; } = "";
    public string Os { get; init; } = "linux";
    public string Arch { get; init; } = "amd64";
    public string KernelVersion { get; init; } = "";
    public DateTimeOffset BuildTime { get; init; }
}

public sealed class EngineInfo
{
    public string ID { get; init; } = "";
    public int Containers { get; init; }
    public int ContainersRunning { get; init; }
    public int ContainersPaused { get; init; }
    public int ContainersStopped { get; init; }
    public int Images { get; init; }
    public string Driver { get; init; } = "";
    public IReadOnlyList<string[]> DriverStatus { get; init; } = [];
    public string ExecutionDriver { get; init; } = "native-0.2";
    public string LoggingDriver { get; init; } = "json-file";
    public string CgroupDriver { get; init; } = "cgroupfs";
    public string CgroupVersion { get; init; } = "1";
    public string KernelVersion { get; init; } = "";
    public string OperatingSystem { get; init; } = "";
    public string OSType { get; init; } = "linux";
    public string Architecture { get; init; } = "x86_64";
    public int NCPU { get; init; }
    public long MemTotal { get; init; }
    public string Name { get; init; } = "";
    public string DockerRootDir { get; init; } = "";
    public string ServerVersion { get; init; } = "";
    public bool Debug { get; init; }
    public int NFd { get; init; }
    public int NGoroutines { get; init; }
    public int NEventsListener { get; init; }
    public bool MemoryLimit { get; init; }
    public bool SwapLimit { get; init; }
    public bool CpuCfsPeriod { get; init; }
    public bool CpuCfsQuota { get; init; }
    public bool IPv4Forwarding { get; init; }
    public bool BridgeNfIptables { get; init; }
    public bool BridgeNfIp6tables { get; init; }
    public bool OomKillDisable { get; init; }
    public string IndexServerAddress { get; init; } = "https://index.docker.io/v1/";
    public string InitPath { get; init; } = "";
    public string InitSha1 { get; init; } = "";
    public string HttpProxy { get; init; } = "";
    public string HttpsProxy { get; init; } = "";
    public string NoProxy { get; init; } = "";
    public IReadOnlyList<string> Labels { get; init; } = [];
    public DateTimeOffset SystemTime { get; init; }
}

public interface ISystemService
{
    EngineVersion Version();
    Task<EngineInfo> InfoAsync(CancellationToken cancellationToken = default);
}
