namespace Engine.Core.Containers;

/// <summary>GET /containers/(id)/top: ps's column titles and the rows of the container's processes.</summary>
public sealed record ContainerTop(IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<string>> Processes);

/// <summary>One sample of a container's resource usage (GET /containers/(id)/stats).</summary>
public sealed class ContainerStats
{
    public string Id { get; init; } = "";
    /// <summary>With the leading '/'.</summary>
    public string Name { get; init; } = "";
    public DateTimeOffset Read { get; init; }
    /// <summary>Time of the previous sample (default for the first).</summary>
    public DateTimeOffset PreRead { get; init; }
    /// <summary>Per interface of the container's network namespace, loopback left out.</summary>
    public IReadOnlyDictionary<string, NetworkStats> Networks { get; init; } = new Dictionary<string, NetworkStats>();
    public CpuStats Cpu { get; init; } = new();
    /// <summary>The previous sample's CPU counters (zero for the first), for CPU percentages.</summary>
    public CpuStats PreCpu { get; init; } = new();
    public MemoryStats Memory { get; init; } = new();
    public IReadOnlyList<Runtime.Cgroups.BlkioEntry> IoServiceBytes { get; init; } = [];
    public IReadOnlyList<Runtime.Cgroups.BlkioEntry> IoServiced { get; init; } = [];
    public long PidsCurrent { get; init; }
}

public sealed class NetworkStats
{
    public long RxBytes { get; init; }
    public long RxPackets { get; init; }
    public long RxErrors { get; init; }
    public long RxDropped { get; init; }
    public long TxBytes { get; init; }
    public long TxPackets { get; init; }
    public long TxErrors { get; init; }
    public long TxDropped { get; init; }
}

public sealed class CpuStats
{
    /// <summary>Nanoseconds of CPU time of the container.</summary>
    public long TotalUsage { get; init; }
    public IReadOnlyList<long> PerCpuUsage { get; init; } = [];
    public long UsageInKernelmode { get; init; }
    public long UsageInUsermode { get; init; }
    /// <summary>Nanoseconds of CPU time of the whole host since boot (/proc/stat), the base of CPU percentages.</summary>
    public long SystemCpuUsage { get; init; }
    public int OnlineCpus { get; init; }
    public long ThrottlingPeriods { get; init; }
    public long ThrottledPeriods { get; init; }
    public long ThrottledTime { get; init; }
}

public sealed class MemoryStats
{
    public long Usage { get; init; }
    public long MaxUsage { get; init; }
    public IReadOnlyDictionary<string, long> Stats { get; init; } = new Dictionary<string, long>();
    public long Failcnt { get; init; }
    /// <summary>The cgroup's limit, or the host's memory when that is smaller (no limit set).</summary>
    public long Limit { get; init; }
}
