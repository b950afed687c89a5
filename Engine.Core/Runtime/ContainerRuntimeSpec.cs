namespace Engine.Core.Runtime;

/// <summary>Everything the runtime needs to start a container: wanted state, resolved (no image lookups left).</summary>
public sealed class ContainerRuntimeSpec
{
    /// <summary>Full 64-hex container id; names the cgroup.</summary>
    public required string Id { get; init; }

    /// <summary>Host path of the mounted root file system (the overlay's merged directory).</summary>
    public required string RootFs { get; init; }

    public bool ReadonlyRootFs { get; init; }

    public required ProcessSpec Process { get; init; }

    public string Hostname { get; init; } = "";
    public string Domainname { get; init; } = "";

    /// <summary>Bind mounts and the like, applied in order after the root file system (e.g. /etc/hosts).</summary>
    public IReadOnlyList<MountSpec> Mounts { get; init; } = [];

    /// <summary>"none" / "bridge" (own namespace, lo up), "host" (share the host's), "container" (join <see cref="NetworkNamespacePath"/>).</summary>
    public string NetworkMode { get; init; } = "none";

    /// <summary>With NetworkMode "container": the network namespace to join (/proc/PID/ns/net of the other container's init).</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>IPC namespace: null for a new one, "host" to share the engine's, or a /proc/PID/ns/ipc path to join.</summary>
    public string? IpcNamespace { get; init; }

    /// <summary>PID namespace: null for a new one (the init is PID 1), "host" to share the engine's.</summary>
    public string? PidNamespace { get; init; }

    /// <summary>Called after the init is placed in its namespaces and cgroup and before the user's command runs (network wiring). Gets the host pid.</summary>
    public Func<int, CancellationToken, Task>? BeforeExec { get; init; }

    public bool Privileged { get; init; }
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public IReadOnlyList<string> CapDrop { get; init; } = [];

    /// <summary>Cgroup parent (relative to the engine's root, default "engine" under each hierarchy).</summary>
    public string? CgroupParent { get; init; }
    public ResourceSpec Resources { get; init; } = new();

    /// <summary>Resource limits of the process (Docker's Ulimits: "nofile", "nproc"...).</summary>
    public IReadOnlyList<RlimitSpec> Rlimits { get; init; } = [];
}

public sealed record RlimitSpec(string Name, ulong Soft, ulong Hard);

public sealed class ProcessSpec
{
    /// <summary>argv; Args[0] is looked up in PATH of <see cref="Env"/> inside the container when it has no '/'.</summary>
    public required IReadOnlyList<string> Args { get; init; }
    public IReadOnlyList<string> Env { get; init; } = [];
    public string WorkingDir { get; init; } = "/";
    /// <summary>Docker's User string ("", name, uid, uid:gid, name:group), resolved in the container's /etc/passwd and /etc/group.</summary>
    public string User { get; init; } = "";
    public bool Tty { get; init; }
    /// <summary>Give the process a stdin (pipe or the TTY); otherwise it reads /dev/null.</summary>
    public bool Stdin { get; init; }
    public ushort TtyHeight { get; init; }
    public ushort TtyWidth { get; init; }
    public bool Privileged { get; init; }
}

/// <summary>A mount inside the container. Target is an absolute path inside the container.</summary>
public sealed record MountSpec(string Source, string Target, string Type = "bind", IReadOnlyList<string>? Options = null);

public sealed class ResourceSpec
{
    public long Memory { get; init; }
    public long MemorySwap { get; init; }
    public long CpuShares { get; init; }
    public string CpusetCpus { get; init; } = "";
    public string CpusetMems { get; init; } = "";
    public long CpuPeriod { get; init; }
    public long CpuQuota { get; init; }
    public long BlkioWeight { get; init; }

    /// <summary>Device cgroup rules allowed beyond Docker's defaults ("c 10:229 rwm"), for HostConfig.Devices.</summary>
    public IReadOnlyList<string> AllowedDevices { get; init; } = [];
}
