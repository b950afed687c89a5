namespace Engine.Http.Tests.Acceptance;

/// <summary>Issue 2, Done when: two test engines run at once, each runs containers, and both clean up.</summary>
[Trait("Category", "Root")]
public sealed class TwoEnginesTests
{
    private const string Looper = "trap 'exit 0' TERM; while true; do sleep 0.1; done";

    [Fact]
    public async Task Two_engines_run_containers_side_by_side()
    {
        var a = new EngineProcess();
        var b = new EngineProcess();
        await Task.WhenAll(a.InitializeAsync(), b.InitializeAsync());
        var ids = new List<string>();
        try
        {
            await Task.WhenAll(AcceptanceEngine.ImportBusyboxAsync(a), AcceptanceEngine.ImportBusyboxAsync(b));
            var sleepers = await Task.WhenAll(
                a.DockerAsync("run", "-d", "--name", "same-name", "busybox", "sh", "-c", Looper),
                b.DockerAsync("run", "-d", "--name", "same-name", "busybox", "sh", "-c", Looper));
            foreach (var r in sleepers)
            {
                Assert.True(r.ExitCode == 0, r.ToString());
                ids.Add(r.StandardOutput.Trim());
            }
            Assert.NotEqual(ids[0], ids[1]);

            var runs = await Task.WhenAll(
                a.DockerAsync("run", "--rm", "busybox", "echo", "from-a"),
                b.DockerAsync("run", "--rm", "busybox", "echo", "from-b"));
            Assert.Equal("from-a\n", runs[0].StandardOutput);
            Assert.Equal("from-b\n", runs[1].StandardOutput);
            Assert.Equal(0, runs[0].ExitCode);
            Assert.Equal(0, runs[1].ExitCode);

            // Each engine lists only its own container.
            var psA = await a.DockerAsync("ps", "-q", "--no-trunc");
            var psB = await b.DockerAsync("ps", "-q", "--no-trunc");
            Assert.Equal(ids[0] + "\n", psA.StandardOutput);
            Assert.Equal(ids[1] + "\n", psB.StandardOutput);

            // Stopping one leaves the other's container running.
            Assert.Equal(0, (await a.DockerAsync("rm", "-f", "same-name")).ExitCode);
            Assert.Equal(ids[1] + "\n", (await b.DockerAsync("ps", "-q", "--no-trunc")).StandardOutput);
        }
        finally
        {
            await Task.WhenAll(a.StopAsync(), b.StopAsync());
        }
        try
        {
            Assert.True(a.ExitCode == 0, a.Log);
            Assert.True(b.ExitCode == 0, b.Log);
            Leftovers.AssertNone(a.Root, ids);
            Leftovers.AssertNone(b.Root, ids);
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }
}
