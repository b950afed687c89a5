using Engine.TestKit;

namespace Engine.Http.Tests.Images;

/// <summary>The engine daemon with the busybox image imported as "busybox", for the image CLI tests.</summary>
public sealed class ImageEngineFixture : IAsyncLifetime
{
    public EngineProcess Engine { get; } = new();

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await Acceptance.AcceptanceEngine.ImportBusyboxAsync(Engine);
    }

    public Task DisposeAsync() => Engine.DisposeAsync();

    /// <summary>Runs docker and fails with its output and the engine's log unless it exits 0.</summary>
    public async Task<DockerCliResult> OkAsync(params string[] args) => Check(await Engine.DockerAsync(args));

    public DockerCliResult Check(DockerCliResult result)
    {
        Assert.True(result.ExitCode == 0, $"{result}\nengine log (tail):\n{Tail(Engine.Log)}");
        return result;
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
