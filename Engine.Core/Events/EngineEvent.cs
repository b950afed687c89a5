namespace Engine.Core.Events;

/// <summary>
/// One event. Carries both shapes real clients read: v1.19's (status, id, from, time) and the later
/// Type/Action/Actor/timeNano one (Docker CLI 28 takes `docker run`'s exit code from the die event's
/// Actor.Attributes.exitCode).
/// </summary>
public sealed class EngineEvent
{
    /// <summary>"container" or "image".</summary>
    public required string Type { get; init; }
    /// <summary>create, start, die, stop, kill, destroy, attach, restart, rename, pause, unpause, resize, untag, delete, import, tag, pull, load, save, export, commit...</summary>
    public required string Action { get; init; }
    /// <summary>Container id or image id/name.</summary>
    public required string ActorId { get; init; }
    /// <summary>image, name, exitCode, signal and labels, as Docker puts them.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
    /// <summary>v1.19's "from": the container's image; empty for image events.</summary>
    public string From { get; init; } = "";
    public DateTimeOffset Time { get; init; }
}

public sealed class EventQuery
{
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    /// <summary>event, image, container, type, label.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Filters { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

public interface IEventService
{
    /// <summary>Past events from Since (kept in memory, bounded), then live ones until Until or cancellation.</summary>
    IAsyncEnumerable<EngineEvent> SubscribeAsync(EventQuery query, CancellationToken cancellationToken = default);

    void Publish(EngineEvent engineEvent);
}
