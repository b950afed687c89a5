namespace Engine.Http.Tests.Acceptance;

/// <summary>Waiting for a state with a deadline instead of sleeping.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<(bool Done, T Value)>> probe, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var (done, value) = await probe();
            if (done)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} within {within.TotalSeconds} s; last: {value}");
            }
            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan within, string what) =>
        UntilAsync(() => Task.FromResult((condition(), true)), within, what);
}
