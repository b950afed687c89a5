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

    /// <summary>Removes the container's cgroup (and the parent levels left empty); waits briefly while tasks drain. Idempotent.</summary>
    Task RemoveAsync(string parent, string id, CancellationToken cancellationToken = default);

    /// <summary>True when any directory of the container's cgroup exists.</summary>
    bool Exists(string parent, string id);

    /// <summary>The directories that make up the container's cgroup (one per v1 hierarchy, one for v2).</summary>
    IReadOnlyList<string> Paths(string parent, string id);

    /// <summary>Freezes (pause) or thaws (unpause) every process of the container.</summary>
    void SetFrozen(string parent, string id, bool frozen);

    /// <summary>Memory usage and limit in bytes, and total CPU time in nanoseconds; null values where not available.</summary>
    CgroupStats ReadStats(string parent, string id);
}

public sealed record CgroupStats(long? MemoryUsage, long? MemoryLimit, long? CpuUsageNanoseconds);
