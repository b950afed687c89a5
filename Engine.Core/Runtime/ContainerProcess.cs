using Engine.Core.Interop;
using Native = Engine.Core.Interop.Interop;

namespace Engine.Core.Runtime;

/// <summary>A started init-turned-user-process (container PID 1 or exec): its pidfd, stdio streams and exit.</summary>
internal sealed class ContainerProcess : IContainerProcess
{
    private readonly SafeFdHandle _pidfd;
    private readonly SafeFdHandle? _ptyMaster;
    private Stream? _stdin;
    private int _disposed;

    public ContainerProcess(ContainerContext container, int pid, SafeFdHandle pidfd, Task<int> exited,
        Stream stdout, Stream? stderr, Stream? stdin, SafeFdHandle? ptyMaster)
    {
        Container = container;
        Pid = pid;
        _pidfd = pidfd;
        Exited = exited;
        Stdout = stdout;
        Stderr = stderr;
        _stdin = stdin;
        _ptyMaster = ptyMaster;
    }

    /// <summary>What an exec into this container needs.</summary>
    public ContainerContext Container { get; }

    public int Pid { get; }
    public Stream? Stdin => _stdin;
    public Stream Stdout { get; }
    public Stream? Stderr { get; }
    public Task<int> Exited { get; }

    public void Signal(int signal)
    {
        if (Exited.IsCompleted || _disposed != 0)
        {
            return;
        }
        Native.PidfdSendSignal(_pidfd, signal);
    }

    public void Resize(ushort height, ushort width)
    {
        if (_ptyMaster is not null && _disposed == 0)
        {
            Native.SetWindowSize(_ptyMaster, height, width);
        }
    }

    public void CloseStdin() => Interlocked.Exchange(ref _stdin, null)?.Dispose();

    /// <summary>Kills the process if it still runs, waits for its exit, and closes every descriptor.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (!Exited.IsCompleted)
        {
            Native.PidfdSendSignal(_pidfd, 9);
            await Exited.ConfigureAwait(false);
        }
        CloseStdin();
        await Stdout.DisposeAsync().ConfigureAwait(false);
        if (Stderr is not null)
        {
            await Stderr.DisposeAsync().ConfigureAwait(false);
        }
        _ptyMaster?.Dispose();
        _pidfd.Dispose();
    }
}

/// <summary>The runtime's record of a container: enough to exec into it and to clean it up.</summary>
internal sealed record ContainerContext(string Id, string CgroupParent, IReadOnlyList<string> Capabilities, bool Privileged, int InitPid);
