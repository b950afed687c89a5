using System.Threading.Channels;
using Engine.Core.Containers;
using Engine.Core.Runtime;

namespace Engine.Core.Exec;

/// <summary>One exec: its config, its process once started, its output channel and its end.</summary>
internal sealed class ExecInstance(string id, Container container, ExecConfig config, long sequence)
{
    private const int OutputCapacity = 64;
    private int _started;

    public string Id { get; } = id;
    public Container Container { get; } = container;
    public ExecConfig Config { get; } = config;

    /// <summary>Creation order within the engine (ExecIDs are listed in it).</summary>
    public long Sequence { get; } = sequence;

    /// <summary>The user the process runs as: the exec's, else the container's.</summary>
    public string EffectiveUser => Config.User.Length > 0 ? Config.User : Container.Record.Config.User;

    public IContainerProcess? Process { get; set; }
    public bool Running { get; set; }
    public int? ExitCode { get; set; }

    /// <summary>Last TTY size asked for (height, width); applied at start when asked before it.</summary>
    public (ushort Height, ushort Width) TtySize { get; set; }

    /// <summary>Output for the one attachment that started the exec; completed after the exit code is recorded.</summary>
    public Channel<OutputChunk> Output { get; } = Channel.CreateBounded<OutputChunk>(new BoundedChannelOptions(OutputCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = false,
    });

    /// <summary>Cancelled when nobody reads the output any more (detached, or the attachment went away): output is then discarded.</summary>
    public CancellationTokenSource Discard { get; } = new();

    /// <summary>Serialises writers of the process's stdin.</summary>
    public SemaphoreSlim StdinLock { get; } = new(1, 1);

    public TaskCompletionSource<int> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True the first time only: an exec runs once.</summary>
    public bool TryMarkStarted() => Interlocked.Exchange(ref _started, 1) == 0;

    public bool Started => Volatile.Read(ref _started) == 1;

    /// <summary>"echo hi" as Docker writes it in events.</summary>
    public string CommandLine => string.Join(' ', Config.Cmd);
}
