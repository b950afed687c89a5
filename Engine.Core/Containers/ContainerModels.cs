using Engine.Storage.Images;

namespace Engine.Core.Containers;

public sealed class CreateContainerRequest
{
    /// <summary>Optional name, with or without the leading '/'; must match [a-zA-Z0-9][a-zA-Z0-9_.-]+.</summary>
    public string? Name { get; init; }
    public required ContainerConfig Config { get; init; }
    public HostConfig? HostConfig { get; init; }
}

public sealed record CreateContainerResult(string Id, IReadOnlyList<string> Warnings);

/// <summary>Observed state of a container (inspect's State).</summary>
public sealed class ContainerStateInfo
{
    /// <summary>"created", "running", "paused", "restarting", "exited", "dead".</summary>
    public string Status { get; init; } = "created";
    public bool Running { get; init; }
    public bool Paused { get; init; }
    public bool Restarting { get; init; }
    public bool OOMKilled { get; init; }
    public bool Dead { get; init; }
    public int Pid { get; init; }
    public int ExitCode { get; init; }
    public string Error { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
}

/// <summary>What GET /containers/(id)/json shows, in the engine's terms.</summary>
public sealed class ContainerDetails
{
    public required string Id { get; init; }
    /// <summary>With the leading '/'.</summary>
    public required string Name { get; init; }
    public DateTimeOffset Created { get; init; }
    public string Path { get; init; } = "";
    public IReadOnlyList<string> Args { get; init; } = [];
    public required ContainerConfig Config { get; init; }
    public required HostConfig HostConfig { get; init; }
    public required ContainerStateInfo State { get; init; }
    /// <summary>Image id ("sha256:..." stripped to hex as Docker 1.7 shows it is the HTTP layer's business).</summary>
    public string Image { get; init; } = "";
    public NetworkInfo NetworkSettings { get; init; } = new();
    public string ResolvConfPath { get; init; } = "";
    public string HostnamePath { get; init; } = "";
    public string HostsPath { get; init; } = "";
    public string LogPath { get; init; } = "";
    public string Driver { get; init; } = "";
    public string ExecDriver { get; init; } = "native-0.2";
    public int RestartCount { get; init; }
    public IReadOnlyList<string> ExecIds { get; init; } = [];
    public IReadOnlyDictionary<string, string> Volumes { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, bool> VolumesRW { get; init; } = new Dictionary<string, bool>();
}

public sealed class NetworkInfo
{
    public string Bridge { get; init; } = "";
    public string Gateway { get; init; } = "";
    public string IPAddress { get; init; } = "";
    public int IPPrefixLen { get; init; }
    public string MacAddress { get; init; } = "";
    public string NetworkMode { get; init; } = "";
    public IReadOnlyDictionary<string, List<PortBinding>?>? Ports { get; init; }
    public string NetworkID { get; init; } = "";
    public string EndpointID { get; init; } = "";
}

/// <summary>One row of GET /containers/json.</summary>
public sealed class ContainerSummary
{
    public required string Id { get; init; }
    /// <summary>Names with leading '/'.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];
    /// <summary>The image as the user named it at create.</summary>
    public string Image { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string Command { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    /// <summary>Docker's human text: "Up 5 minutes", "Exited (0) 3 seconds ago", "Created".</summary>
    public string Status { get; init; } = "";
    /// <summary>"created", "running", "paused", "restarting", "exited", "dead".</summary>
    public string State { get; init; } = "";
    public int ExitCode { get; init; }
    public IReadOnlyList<PortInfo> Ports { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public long? SizeRw { get; init; }
    public long? SizeRootFs { get; init; }
    public string NetworkMode { get; init; } = "";
}

public sealed record PortInfo(string IP, int PrivatePort, int PublicPort, string Type);

public sealed class ListContainersOptions
{
    public bool All { get; init; }
    /// <summary>Show only the last N created (includes non-running); 0 or less: no limit.</summary>
    public int Limit { get; init; }
    public string? Since { get; init; }
    public string? Before { get; init; }
    public bool Size { get; init; }
    /// <summary>Filter name -> values (exited, status, label, id, name).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Filters { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

public sealed class AttachOptions
{
    public bool Stdin { get; init; }
    public bool Stdout { get; init; }
    public bool Stderr { get; init; }
    /// <summary>Replay the log first.</summary>
    public bool Logs { get; init; }
    /// <summary>Stream live output.</summary>
    public bool Stream { get; init; }
}

public enum StdStream : byte
{
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,
}

/// <summary>A chunk of a container's output.</summary>
public readonly record struct OutputChunk(StdStream Stream, ReadOnlyMemory<byte> Data);

/// <summary>A live attachment. Dispose to detach.</summary>
public interface IContainerAttachment : IAsyncDisposable
{
    /// <summary>True when the container has a TTY (output is raw, not multiplexed).</summary>
    bool Tty { get; }

    /// <summary>Output chunks in order; ends when the container exits (or the attachment is disposed).</summary>
    IAsyncEnumerable<OutputChunk> ReadOutputAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes to the container's stdin (buffered until the process starts). Throws when stdin was not asked for.</summary>
    ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>The client's stdin reached its end (half-close). Closes the process's stdin when StdinOnce.</summary>
    ValueTask CompleteStdinAsync();
}

public sealed class LogsOptions
{
    public bool Stdout { get; init; }
    public bool Stderr { get; init; }
    public bool Follow { get; init; }
    public bool Timestamps { get; init; }
    /// <summary>Last N lines; null for all.</summary>
    public int? Tail { get; init; }
    public DateTimeOffset? Since { get; init; }
}

/// <summary>One log line (with its trailing newline when it had one).</summary>
public readonly record struct LogEntry(StdStream Stream, DateTimeOffset Time, ReadOnlyMemory<byte> Data);
