namespace Engine.Core.Runtime;

/// <summary>A running container's PID 1 or an exec'd process.</summary>
public interface IContainerProcess : IAsyncDisposable
{
    /// <summary>Host pid.</summary>
    int Pid { get; }

    /// <summary>Write end of the process's stdin (a pipe, or the pty master with a TTY); null unless stdin was asked for.</summary>
    Stream? Stdin { get; }

    /// <summary>Read end of stdout (the pty master with a TTY: all output arrives here).</summary>
    Stream Stdout { get; }

    /// <summary>Read end of stderr; null with a TTY.</summary>
    Stream? Stderr { get; }

    /// <summary>Completes when the process has exited, with Docker's exit code (128+signal when killed by one).</summary>
    Task<int> Exited { get; }

    /// <summary>Sends a signal to the process (ESRCH is ignored).</summary>
    void Signal(int signal);

    /// <summary>Sets the TTY size; no-op without a TTY.</summary>
    void Resize(ushort height, ushort width);

    /// <summary>Closes the write end of stdin (EOF for the process).</summary>
    void CloseStdin();
}
