using Engine.Core.Events;

namespace Engine.Core.Tests.Events;

public sealed class EventServiceTests
{
    private static EngineEvent Event(string action, string id, DateTimeOffset time, string image = "busybox") => new()
    {
        Type = "container",
        Action = action,
        ActorId = id,
        From = image,
        Attributes = new Dictionary<string, string> { ["image"] = image, ["name"] = "n-" + id },
        Time = time,
    };

    [Fact]
    public async Task Since_replays_history_and_until_in_the_past_ends_the_stream()
    {
        var events = new EventService(TimeProvider.System);
        var t = DateTimeOffset.UtcNow.AddMinutes(-5);
        events.Publish(Event("create", "a", t));
        events.Publish(Event("start", "a", t.AddSeconds(1)));
        events.Publish(Event("die", "a", t.AddSeconds(2)));
        var seen = new List<string>();
        await foreach (var e in events.SubscribeAsync(new EventQuery { Since = t.AddSeconds(1), Until = t.AddSeconds(2) }))
        {
            seen.Add(e.Action);
        }
        Assert.Equal(["start", "die"], seen);
    }

    [Fact]
    public async Task Live_events_are_filtered_by_event_and_container()
    {
        var events = new EventService(TimeProvider.System);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var query = new EventQuery
        {
            Filters = new Dictionary<string, IReadOnlyList<string>> { ["event"] = ["die"], ["container"] = ["n-b"] },
        };
        var reader = events.SubscribeAsync(query, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = reader.MoveNextAsync();
        while (events.SubscriberCount == 0)
        {
            await Task.Yield();
        }
        events.Publish(Event("die", "a", DateTimeOffset.UtcNow));
        events.Publish(Event("start", "b", DateTimeOffset.UtcNow));
        events.Publish(Event("die", "b", DateTimeOffset.UtcNow));
        Assert.True(await next);
        Assert.Equal("b", reader.Current.ActorId);
        Assert.Equal("die", reader.Current.Action);
        await cts.CancelAsync();
        await reader.DisposeAsync();
        Assert.Equal(0, events.SubscriberCount);
    }
}
