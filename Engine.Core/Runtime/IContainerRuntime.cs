using Engine.Core.Runtime.Cgroups;

namespace Engine.Core.Runtime;

/// <summary>
/// Starts containers and exec processes: namespaces, cgroups, mounts, the init. Knows nothing of
/// images or names: it gets a mounted root file system and a spec.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>
    /// Creates the namespaces and cgroup, starts the init as PID 1 on <see cref="ContainerRuntimeSpec.RootFs"/>,
    /// and returns once the user's command has been exec'd (or throws with the reason it could not be:
    /// EngineException NotFound for "executable file not found in $PATH", Invalid for a bad user...).
    /// Undoes everything it made when it fails or is cancelled.
    /// </summary>
    Task<IContainerProcess> StartAsync(ContainerRuntimeSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Runs a further process in the namespaces and cgroup of a running container.</summary>
    Task<IContainerProcess> ExecAsync(IContainerProcess container, ProcessSpec process, CancellationToken cancellationToken = default);

    /// <summary>
    /// Freezes (pause) or thaws (unpause) every process of the container and returns once the cgroup reports the
    /// new state. A signal sent to a frozen process stays pending until it is thawed.
    /// </summary>
    Task SetFrozenAsync(string containerId, bool frozen, CancellationToken cancellationToken = default);

    /// <summary>Host pids of every process of the container (its cgroup's members); empty when it has none.</summary>
    IReadOnlyList<int> ListPids(string containerId);

    /// <summary>CPU, memory, block I/O and pids counters of the container's cgroup.</summary>
    CgroupStats ReadStats(string containerId);

    /// <summary>Removes the container's cgroup and whatever else the runtime keeps for it. Idempotent.</summary>
    Task CleanupAsync(string containerId, CancellationToken cancellationToken = default);
}
