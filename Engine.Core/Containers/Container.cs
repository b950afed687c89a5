using Engine.Core.Logs;
using Engine.Core.Runtime;

namespace Engine.Core.Containers;

/// <summary>A container the engine knows: its persisted record plus what exists only while the engine runs.</summary>
internal sealed class Container(ContainerRecord record, string directory)
{
    public ContainerRecord Record { get; } = record;

    /// <summary>containers/&lt;id&gt; under the data root.</summary>
    public string Directory { get; } = directory;

    public string Id => Record.Id;

    /// <summary>Serialises state changes (start, stop, kill, remove...).</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    public ContainerStreams Streams { get; } = new();

    /// <summary>The current run's process; null when not running.</summary>
    public IContainerProcess? Process { get; set; }

    /// <summary>Completes when the current run has been fully handled (state saved, layer unmounted).</summary>
    public TaskCompletionSource<int>? RunEnded { get; set; }

    /// <summary>Log notifier of the current run (followers wait on it); a closed one when not running.</summary>
    public LogNotifier LogNotifier { get; set; } = ClosedNotifier();

    /// <summary>Set by stop/kill/remove so the restart policy leaves it stopped.</summary>
    public bool ManualStop { get; set; }

    public bool Removing { get; set; }

    /// <summary>Last TTY size asked for (height, width); applied when the process starts.</summary>
    public (ushort Height, ushort Width) TtySize { get; set; }

    /// <summary>Execs made in this container (ExecIDs of inspect); dropped when it starts again or is removed.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, Exec.ExecInstance> Execs { get; } = new(StringComparer.Ordinal);

    public string LogPath => System.IO.Path.Combine(Directory, $"{Id}-json.log");

    private static LogNotifier ClosedNotifier()
    {
        var n = new LogNotifier();
        n.Close();
        return n;
    }

    public string StatusWord => Record.State switch
    {
        { Restarting: true } => "restarting",
        { Running: true, Paused: true } => "paused",
        { Running: true } => "running",
        { Dead: true } => "dead",
        _ => Record.HasBeenStarted ? "exited" : "created",
    };
}
