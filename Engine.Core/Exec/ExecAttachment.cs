using System.Runtime.CompilerServices;
using Engine.Core.Containers;
using Engine.Storage.Errors;

namespace Engine.Core.Exec;

/// <summary>
/// The starter's view of an exec: output until the exec ends (its exit code is recorded first), stdin to the process.
/// The end of the client's stdin closes the process's stdin (without a TTY; with one nothing happens). Disposing it
/// leaves the process running with its output discarded.
/// </summary>
internal sealed class ExecAttachment(ExecInstance exec, bool detached) : IContainerAttachment
{
    private int _stdinDone;

    public bool Tty => exec.Config.Tty;

    public async IAsyncEnumerable<OutputChunk> ReadOutputAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (detached)
        {
            yield break;
        }
        await foreach (var chunk in exec.Output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (chunk.Stream == StdStream.Stderr ? exec.Config.AttachStderr : exec.Config.AttachStdout)
            {
                yield return chunk;
            }
        }
    }

    public async ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (!exec.Config.AttachStdin || detached)
        {
            throw EngineException.Invalid("stdin is not attached");
        }
        await exec.StdinLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (exec.Process?.Stdin is { } stdin)
            {
                await stdin.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process closed its stdin or is gone: nothing reads these bytes any more.
        }
        finally
        {
            exec.StdinLock.Release();
        }
    }

    public async ValueTask CompleteStdinAsync()
    {
        if (Interlocked.Exchange(ref _stdinDone, 1) == 1 || !exec.Config.AttachStdin || exec.Config.Tty)
        {
            return;
        }
        await exec.StdinLock.WaitAsync().ConfigureAwait(false);
        try
        {
            exec.Process?.CloseStdin();
        }
        finally
        {
            exec.StdinLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A client that goes away ends the process's stdin, as Docker's exec (always "stdin once") does.
        await CompleteStdinAsync().ConfigureAwait(false);
        await exec.Discard.CancelAsync().ConfigureAwait(false);
        // Whatever is still queued is not read by anyone.
        while (exec.Output.Reader.TryRead(out _))
        {
        }
    }
}
