using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

/// <summary>
/// One client's attachment. Output ends with the run it watches, or when detached. End of the client's stdin:
/// with StdinOnce it closes the process's stdin (output goes on until exit); with a TTY nothing happens;
/// otherwise the attachment ends. With a TTY, Ctrl-P Ctrl-Q detaches.
/// </summary>
internal sealed class ContainerAttachment : IContainerAttachment
{
    private readonly Container _container;
    private readonly AttachOptions _options;
    private readonly Channel<OutputChunk>? _output;
    private readonly IAsyncEnumerable<LogEntry>? _replay;
    private readonly System.IO.Pipelines.Pipe? _stdin;
    private const byte CtrlP = 0x10;
    private const byte CtrlQ = 0x11;

    private int _stdinDone;
    private bool _ctrlPPending;
    private bool _detached;

    public ContainerAttachment(Container container, AttachOptions options, IAsyncEnumerable<LogEntry>? replay)
    {
        _container = container;
        _options = options;
        _replay = replay;
        _output = options.Stream ? container.Streams.Subscribe() : null;
        // The stdin of the current run, or of the next one when not running yet.
        _stdin = options.Stdin && container.Record.Config.OpenStdin ? container.Streams.Stdin : null;
    }

    public bool Tty => _container.Record.Config.Tty;

    public async IAsyncEnumerable<OutputChunk> ReadOutputAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_replay is not null)
        {
            await foreach (var entry in _replay.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return new OutputChunk(entry.Stream, entry.Data);
            }
        }
        if (_output is null)
        {
            yield break;
        }
        await foreach (var chunk in _output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (chunk.Stream == StdStream.Stderr ? _options.Stderr : _options.Stdout)
            {
                yield return chunk;
            }
        }
    }

    public async ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (_stdin is not { } pipe)
        {
            throw EngineException.Invalid("stdin is not attached");
        }
        if (Tty)
        {
            data = FilterDetachKeys(data);
        }
        await _container.Streams.StdinWriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!data.IsEmpty)
            {
                await pipe.Writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // The run's stdin is already closed: nothing reads these bytes any more.
        }
        finally
        {
            _container.Streams.StdinWriteLock.Release();
        }
    }

    /// <summary>
    /// With a TTY, Ctrl-P Ctrl-Q in the client's input detaches it, as Docker does: what came before reaches the
    /// process, the sequence does not, the attachment ends and the container goes on. A Ctrl-P at the end of a
    /// chunk waits for the next one.
    /// </summary>
    private ReadOnlyMemory<byte> FilterDetachKeys(ReadOnlyMemory<byte> data)
    {
        if (_detached)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        var span = data.Span;
        if (!_ctrlPPending && span.IndexOf(CtrlP) < 0)
        {
            return data;
        }
        var output = new List<byte>(span.Length + 1);
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (_ctrlPPending)
            {
                _ctrlPPending = false;
                if (b == CtrlQ)
                {
                    Detach();
                    return output.ToArray();
                }
                output.Add(CtrlP);
            }
            if (b == CtrlP)
            {
                _ctrlPPending = true;
                continue;
            }
            output.Add(b);
        }
        return output.ToArray();
    }

    private void Detach()
    {
        _detached = true;
        if (_output is not null)
        {
            _container.Streams.Unsubscribe(_output);
        }
    }

    public async ValueTask CompleteStdinAsync()
    {
        if (Interlocked.Exchange(ref _stdinDone, 1) == 1)
        {
            return;
        }
        var config = _container.Record.Config;
        if (_stdin is { } pipe && config.StdinOnce)
        {
            await _container.Streams.StdinWriteLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            finally
            {
                _container.Streams.StdinWriteLock.Release();
            }
        }
        else if (!config.Tty && _output is not null)
        {
            _container.Streams.Unsubscribe(_output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_output is not null)
        {
            _container.Streams.Unsubscribe(_output);
        }
        // A StdinOnce client that goes away closes the process's stdin, as Docker does.
        if (_options.Stdin && _container.Record.Config.StdinOnce)
        {
            await CompleteStdinAsync().ConfigureAwait(false);
        }
    }
}
