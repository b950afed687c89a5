using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Engine.Core.Events;

/// <summary>
/// In-memory event bus: a bounded history for <c>since</c>, and a channel per live subscriber.
/// Publishing never blocks; a subscriber that falls more than <see cref="SubscriberBacklog"/> events behind loses the oldest.
/// </summary>
public sealed class EventService(TimeProvider time) : IEventService
{
    private const int HistoryLimit = 1024;
    private const int SubscriberBacklog = 4096;

    private readonly Lock _gate = new();
    private readonly LinkedList<EngineEvent> _history = new();
    private readonly List<Channel<EngineEvent>> _subscribers = [];

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public void Publish(EngineEvent engineEvent)
    {
        lock (_gate)
        {
            _history.AddLast(engineEvent);
            if (_history.Count > HistoryLimit)
            {
                _history.RemoveFirst();
            }
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(engineEvent);
            }
        }
    }

    public async IAsyncEnumerable<EngineEvent> SubscribeAsync(EventQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(SubscriberBacklog)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        List<EngineEvent> past;
        lock (_gate)
        {
            past = query.Since is { } since ? _history.Where(e => e.Time >= since).ToList() : [];
            _subscribers.Add(channel);
        }
        try
        {
            var until = query.Until;
            foreach (var e in past)
            {
                if (until is { } u && e.Time > u)
                {
                    yield break;
                }
                if (EventFilter.Matches(e, query.Filters))
                {
                    yield return e;
                }
            }
            if (until is { } end && end <= time.GetUtcNow())
            {
                yield break;
            }
            using var untilCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (until is { } stopAt)
            {
                untilCts.CancelAfter(stopAt - time.GetUtcNow());
            }
            while (true)
            {
                EngineEvent next;
                try
                {
                    next = await channel.Reader.ReadAsync(untilCts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                if (until is { } u2 && next.Time > u2)
                {
                    yield break;
                }
                if (EventFilter.Matches(next, query.Filters))
                {
                    yield return next;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}
