using Engine.Core.Containers;

namespace Engine.Core.Exec;

/// <summary>
/// Exec: further processes in a running container (Docker's exec create/start/resize/inspect). Exec ids are the
/// full 64-hex ids returned by <see cref="CreateAsync"/>. See Exec/README.md.
/// </summary>
public interface IExecService
{
    /// <summary>
    /// Sets up an exec in a running container; nothing runs yet. NotRunning ("Container X is not running") when the
    /// container does not run, Conflict when it is paused or restarting, InvalidParameter without a command.
    /// </summary>
    Task<string> CreateAsync(string container, ExecConfig config, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the exec. The returned attachment carries its output (ending once the exit code is recorded) and its
    /// stdin (when AttachStdin; the end of the client's stdin closes the process's stdin unless it has a TTY).
    /// A command that cannot be started (not found, permission denied) ends the exec with 127/126 and its message
    /// as stderr output, as Docker does. With <paramref name="detach"/> the output is discarded and the returned
    /// attachment is empty. Conflict when the exec was started before.
    /// </summary>
    Task<IContainerAttachment> StartAsync(string execId, bool detach = false, CancellationToken cancellationToken = default);

    /// <summary>Sets the TTY size (kept for the start when called before it).</summary>
    Task ResizeAsync(string execId, ushort height, ushort width, CancellationToken cancellationToken = default);

    Task<ExecDetails> InspectAsync(string execId, CancellationToken cancellationToken = default);

    /// <summary>Waits for the exec's end (started or not yet) and returns its exit code.</summary>
    Task<int> WaitAsync(string execId, CancellationToken cancellationToken = default);
}
