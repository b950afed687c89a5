namespace Engine.Core.Runtime.Cgroups;

/// <summary>
/// The containers' cgroups: one directory per container at &lt;hierarchy&gt;/&lt;parent&gt;/&lt;id&gt; (v1: under every
/// mounted hierarchy; v2: in the unified tree). Implementations take their root path, so they are testable
/// against a temporary directory.
/// </summary>
public interface ICgroupManager
{
    /// <summary>"v1" or "v2".</summary>
    string Version { get; }

    /// <summary>Creates the container's cgroup and applies its limits (and the default device allow-list unless <paramref name="allowAllDevices"/>).</summary>
    void Create(string parent, string id, ResourceSpec resources, bool allowAllDevices);

    /// <summary>Moves a process (host pid) into the container's cgroup.</summary>
    void AddProcess(string parent, string id, int pid);

    /// <summary>
    /// Moves the calling thread alone into the container's cgroup, so that a process it spawns is born there;
    /// false when this cgroup version cannot (then use <see cref="AddProcess"/>). Only for a thread that does
    /// nothing else afterwards. v1: writing "0" to each hierarchy's tasks file moves the current thread without
    /// the kernel's global threadgroup lock, whose RCU grace period makes moving a process take milliseconds.
    /// </summary>
    bool JoinCurrentThread(string parent, string id);

    /// <summary>Removes the container's cgroup (and the parent levels left empty); waits briefly while tasks drain. Idempotent.</summary>
    Task RemoveAsync(string parent, string id, CancellationToken cancellationToken = default);

    /// <summary>True when any directory of the container's cgroup exists.</summary>
    bool Exists(string parent, string id);

    /// <summary>The directories that make up the container's cgroup (one per v1 hierarchy, one for v2).</summary>
    IReadOnlyList<string> Paths(string parent, string id);

    /// <summary>Freezes (pause) or thaws (unpause) every process of the container.</summary>
    void SetFrozen(string parent, string id, bool frozen);

    /// <summary>True once every process of the container is frozen (v1 freezer.state FROZEN, v2 cgroup.events "frozen 1").</summary>
    bool IsFrozen(string parent, string id);

    /// <summary>Host pids of every process in the container's cgroup (cgroup.procs); empty when it does not exist.</summary>
    IReadOnlyList<int> Pids(string parent, string id);

    /// <summary>Memory usage and limit in bytes, and total CPU time in nanoseconds; null values where not available.</summary>
    CgroupStats ReadStats(string parent, string id);
}

public sealed record CgroupStats(long? MemoryUsage, long? MemoryLimit, long? CpuUsageNanoseconds)
{
    /// <summary>CPU time per CPU in nanoseconds (v1 cpuacct.usage_percpu; empty on v2).</summary>
    public IReadOnlyList<long> PerCpuUsageNanoseconds { get; init; } = [];
    public long UserNanoseconds { get; init; }
    public long SystemNanoseconds { get; init; }
    public long ThrottlingPeriods { get; init; }
    public long ThrottledPeriods { get; init; }
    public long ThrottledTimeNanoseconds { get; init; }
    public long? MemoryMaxUsage { get; init; }
    public long MemoryFailCount { get; init; }
    /// <summary>memory.stat as name -> value.</summary>
    public IReadOnlyDictionary<string, long> MemoryStat { get; init; } = new Dictionary<string, long>();
    /// <summary>Bytes read and written per device and operation ("Read", "Write", "Sync", "Async", "Total").</summary>
    public IReadOnlyList<BlkioEntry> IoServiceBytes { get; init; } = [];
    /// <summary>Operations per device and operation.</summary>
    public IReadOnlyList<BlkioEntry> IoServiced { get; init; } = [];
    public long? PidsCurrent { get; init; }
}

/// <summary>One blkio counter: device major:minor, operation, value.</summary>
public sealed record BlkioEntry(long Major, long Minor, string Op, long Value);
