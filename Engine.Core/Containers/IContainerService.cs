namespace Engine.Core.Containers;

/// <summary>Containers: the library's entry point for everything about one container. Names or (prefix) ids everywhere.</summary>
public interface IContainerService
{
    Task<CreateContainerResult> CreateAsync(CreateContainerRequest request, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<ContainerSummary>> ListAsync(ListContainersOptions options, CancellationToken cancellationToken = default);
    Task<ContainerDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Starts; NotModified when already running. A non-null hostConfig replaces the stored one (v1.19 allows it at start).</summary>
    Task StartAsync(string nameOrId, HostConfig? hostConfig = null, CancellationToken cancellationToken = default);

    /// <summary>SIGTERM (or the StopSignal), then SIGKILL after <paramref name="timeout"/> (default 10 s). NotModified when not running.</summary>
    Task StopAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Signal by number or name ("KILL", "SIGKILL", "9"); default SIGKILL. Conflict when not running.</summary>
    Task KillAsync(string nameOrId, string? signal = null, CancellationToken cancellationToken = default);

    Task RestartAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Blocks until the container is not running, returns its exit code.</summary>
    Task<int> WaitAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Conflict when running and not forced (force kills first).</summary>
    Task RemoveAsync(string nameOrId, bool force = false, bool removeVolumes = false, CancellationToken cancellationToken = default);

    Task RenameAsync(string nameOrId, string newName, CancellationToken cancellationToken = default);

    /// <summary>Attaches. May be called before start: output then streams from the first byte, stdin is buffered.</summary>
    Task<IContainerAttachment> AttachAsync(string nameOrId, AttachOptions options, CancellationToken cancellationToken = default);

    /// <summary>Reads the json-file log; with Follow, keeps going until the container stops or the token fires.</summary>
    IAsyncEnumerable<LogEntry> LogsAsync(string nameOrId, LogsOptions options, CancellationToken cancellationToken = default);

    Task ResizeAsync(string nameOrId, ushort height, ushort width, CancellationToken cancellationToken = default);

    /// <summary>Freezes every process of the container. NotRunning when it does not run, Conflict when already paused.</summary>
    Task PauseAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Thaws a paused container. NotRunning when it does not run, Conflict when not paused.</summary>
    Task UnpauseAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>The host's ps (arguments <paramref name="psArgs"/>, default "-ef") limited to the container's processes. NotRunning when it does not run.</summary>
    Task<ContainerTop> TopAsync(string nameOrId, string? psArgs = null, CancellationToken cancellationToken = default);

    /// <summary>Resource usage samples: one per second while <paramref name="stream"/>, else a single one (see ContainerManager.StatsAsync).</summary>
    IAsyncEnumerable<ContainerStats> StatsAsync(string nameOrId, bool stream = true, CancellationToken cancellationToken = default);

    /// <summary>What the container changed in its image's file system, sorted by path: Kind 0 modified, 1 added, 2 deleted.</summary>
    Task<IReadOnlyList<Engine.Storage.Drivers.Change>> ChangesAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>The whole merged file system as a tar, running or not; the root file system stays mounted until the archive is disposed.</summary>
    Task<ContainerArchive> ExportAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>API 1.19's copy: a tar of the path with every symlink followed. NotFound when it does not exist.</summary>
    Task<ContainerArchive> CopyAsync(string nameOrId, string resource, CancellationToken cancellationToken = default);

    /// <summary>Stat of a path inside the container, the last element not followed. NotFound when it does not exist.</summary>
    Task<ContainerPathStat> StatPathAsync(string nameOrId, string path, CancellationToken cancellationToken = default);

    /// <summary>A tar of a path inside the container (last element not followed) with its stat.</summary>
    Task<ContainerArchive> GetArchiveAsync(string nameOrId, string path, CancellationToken cancellationToken = default);

    /// <summary>Extracts a tar into a directory of the container, confined to it (see ContainerManager.ExtractToDirectoryAsync).</summary>
    Task ExtractToDirectoryAsync(string nameOrId, string path, Stream archive, bool noOverwriteDirNonDir = false, CancellationToken cancellationToken = default);
}
