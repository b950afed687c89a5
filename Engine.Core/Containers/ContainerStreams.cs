using System.IO.Pipelines;
using System.Threading.Channels;

namespace Engine.Core.Containers;

/// <summary>
/// The I/O hub of one container: fans its output out to live attachments, and holds the stdin pipe that
/// attachments write to (created on demand, so bytes sent by an attach made before start are kept until the
/// process exists). One run's subscribers end with that run.
/// </summary>
internal sealed class ContainerStreams
{
    private const int SubscriberCapacity = 64;

    private readonly Lock _gate = new();
    private readonly List<Channel<OutputChunk>> _subscribers = [];
    private Pipe? _stdin;

    /// <summary>Serialises writers of the stdin pipe (several attachments may write).</summary>
    public SemaphoreSlim StdinWriteLock { get; } = new(1, 1);

    public Channel<OutputChunk> Subscribe()
    {
        var channel = Channel.CreateBounded<OutputChunk>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }
        return channel;
    }

    public void Unsubscribe(Channel<OutputChunk> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }
        channel.Writer.TryComplete();
    }

    /// <summary>Delivers a chunk to every subscriber, waiting for slow ones (as Docker blocks on a slow attach).</summary>
    public async ValueTask BroadcastAsync(OutputChunk chunk, CancellationToken cancellationToken)
    {
        Channel<OutputChunk>[] targets;
        lock (_gate)
        {
            if (_subscribers.Count == 0)
            {
                return;
            }
            targets = [.. _subscribers];
        }
        foreach (var target in targets)
        {
            try
            {
                await target.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                // The attachment went away.
            }
        }
    }

    /// <summary>Ends every current subscription: the run they were watching is over.</summary>
    public void CompleteRun()
    {
        Channel<OutputChunk>[] targets;
        lock (_gate)
        {
            targets = [.. _subscribers];
            _subscribers.Clear();
        }
        foreach (var target in targets)
        {
            target.Writer.TryComplete();
        }
    }

    /// <summary>The stdin pipe of the current or next run.</summary>
    public Pipe Stdin
    {
        get
        {
            lock (_gate)
            {
                return _stdin ??= new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
            }
        }
    }

    /// <summary>After a run: the next run gets a fresh stdin pipe.</summary>
    public void ClearStdin(Pipe pipe)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_stdin, pipe))
            {
                _stdin = null;
            }
        }
    }
}
