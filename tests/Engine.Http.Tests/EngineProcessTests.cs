namespace Engine.Http.Tests;

/// <summary>The daemon process itself: starts on a temp socket, pings, negotiates with docker CLI, stops on SIGTERM.</summary>
public sealed class EngineProcessTests
{
    [Fact]
    public async Task Starts_answers_ping_and_stops_on_sigterm()
    {
        var engine = new EngineProcess();
        await engine.InitializeAsync();
        try
        {
            using var client = engine.CreateHttpClient();
            using var ping = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/_ping"));
            Assert.Equal("1.19", ping.Headers.GetValues("Api-Version").Single());
            var mode = File.GetUnixFileMode(engine.SocketPath);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
        }
        finally
        {
            await engine.DisposeAsync();
        }
        Assert.Equal(0, engine.ExitCode);
        Assert.False(File.Exists(engine.SocketPath));
    }

    [Fact]
    public async Task Unknown_flag_exits_2_with_usage()
    {
        var start = new System.Diagnostics.ProcessStartInfo(EngineProcess.ExecutablePath, ["--nope"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Usage: engine", stderr);
    }
}
