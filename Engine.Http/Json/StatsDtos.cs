using System.Text.Json.Serialization;

namespace Engine.Http.Json;

/// <summary>
/// One line of GET /containers/(id)/stats: v1.19's shape ("network" a single object) plus the later fields current
/// clients read ("networks" per interface, "precpu_stats", "online_cpus", "pids_stats", "preread", "id", "name").
/// </summary>
internal sealed class StatsJson
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";
    [JsonPropertyName("read")]
    public string Read { get; init; } = "";
    [JsonPropertyName("preread")]
    public string PreRead { get; init; } = "";
    [JsonPropertyName("network")]
    public NetworkStatsJson Network { get; init; } = new();
    [JsonPropertyName("networks")]
    public Dictionary<string, NetworkStatsJson> Networks { get; init; } = [];
    [JsonPropertyName("precpu_stats")]
    public CpuStatsJson PreCpuStats { get; init; } = new();
    [JsonPropertyName("cpu_stats")]
    public CpuStatsJson CpuStats { get; init; } = new();
    [JsonPropertyName("memory_stats")]
    public MemoryStatsJson MemoryStats { get; init; } = new();
    [JsonPropertyName("blkio_stats")]
    public BlkioStatsJson BlkioStats { get; init; } = new();
    [JsonPropertyName("pids_stats")]
    public PidsStatsJson PidsStats { get; init; } = new();
}

internal sealed class NetworkStatsJson
{
    [JsonPropertyName("rx_bytes")]
    public long RxBytes { get; init; }
    [JsonPropertyName("rx_packets")]
    public long RxPackets { get; init; }
    [JsonPropertyName("rx_errors")]
    public long RxErrors { get; init; }
    [JsonPropertyName("rx_dropped")]
    public long RxDropped { get; init; }
    [JsonPropertyName("tx_bytes")]
    public long TxBytes { get; init; }
    [JsonPropertyName("tx_packets")]
    public long TxPackets { get; init; }
    [JsonPropertyName("tx_errors")]
    public long TxErrors { get; init; }
    [JsonPropertyName("tx_dropped")]
    public long TxDropped { get; init; }
}

internal sealed class CpuStatsJson
{
    [JsonPropertyName("cpu_usage")]
    public CpuUsageJson CpuUsage { get; init; } = new();
    [JsonPropertyName("system_cpu_usage")]
    public long SystemCpuUsage { get; init; }
    [JsonPropertyName("online_cpus")]
    public int OnlineCpus { get; init; }
    [JsonPropertyName("throttling_data")]
    public ThrottlingJson ThrottlingData { get; init; } = new();
}

internal sealed class CpuUsageJson
{
    [JsonPropertyName("total_usage")]
    public long TotalUsage { get; init; }
    [JsonPropertyName("percpu_usage")]
    public List<long>? PercpuUsage { get; init; }
    [JsonPropertyName("usage_in_kernelmode")]
    public long UsageInKernelmode { get; init; }
    [JsonPropertyName("usage_in_usermode")]
    public long UsageInUsermode { get; init; }
}

internal sealed class ThrottlingJson
{
    [JsonPropertyName("periods")]
    public long Periods { get; init; }
    [JsonPropertyName("throttled_periods")]
    public long ThrottledPeriods { get; init; }
    [JsonPropertyName("throttled_time")]
    public long ThrottledTime { get; init; }
}

internal sealed class MemoryStatsJson
{
    [JsonPropertyName("usage")]
    public long Usage { get; init; }
    [JsonPropertyName("max_usage")]
    public long MaxUsage { get; init; }
    [JsonPropertyName("stats")]
    public Dictionary<string, long> Stats { get; init; } = [];
    [JsonPropertyName("failcnt")]
    public long Failcnt { get; init; }
    [JsonPropertyName("limit")]
    public long Limit { get; init; }
}

internal sealed class BlkioStatsJson
{
    [JsonPropertyName("io_service_bytes_recursive")]
    public List<BlkioEntryJson> IoServiceBytesRecursive { get; init; } = [];
    [JsonPropertyName("io_serviced_recursive")]
    public List<BlkioEntryJson> IoServicedRecursive { get; init; } = [];
    [JsonPropertyName("io_queue_recursive")]
    public List<BlkioEntryJson> IoQueueRecursive { get; init; } = [];
    [JsonPropertyName("io_service_time_recursive")]
    public List<BlkioEntryJson> IoServiceTimeRecursive { get; init; } = [];
    [JsonPropertyName("io_wait_time_recursive")]
    public List<BlkioEntryJson> IoWaitTimeRecursive { get; init; } = [];
    [JsonPropertyName("io_merged_recursive")]
    public List<BlkioEntryJson> IoMergedRecursive { get; init; } = [];
    [JsonPropertyName("io_time_recursive")]
    public List<BlkioEntryJson> IoTimeRecursive { get; init; } = [];
    [JsonPropertyName("sectors_recursive")]
    public List<BlkioEntryJson> SectorsRecursive { get; init; } = [];
}

internal sealed class BlkioEntryJson
{
    [JsonPropertyName("major")]
    public long Major { get; init; }
    [JsonPropertyName("minor")]
    public long Minor { get; init; }
    [JsonPropertyName("op")]
    public string Op { get; init; } = "";
    [JsonPropertyName("value")]
    public long Value { get; init; }
}

internal sealed class PidsStatsJson
{
    [JsonPropertyName("current")]
    public long Current { get; init; }
}
