using Engine.TestKit;

namespace Engine.Http.Tests.Cli;

/// <summary>The engine daemon with a busybox image and a running container "web", for the CLI tests.</summary>
public sealed class RunningContainerFixture : IAsyncLifetime
{
    public EngineProcess Engine { get; } = new();

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await Acceptance.AcceptanceEngine.ImportBusyboxAsync(Engine);
        Check(await Engine.DockerAsync("run", "-d", "--name", "web", "busybox", "sleep", "1000"));
    }

    public async Task DisposeAsync()
    {
        await Engine.DockerAsync("rm", "-f", "web");
        await Engine.DisposeAsync();
    }

    private void Check(DockerCliResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{result}\nengine log:\n{Engine.Log}");
        }
    }
}

/// <summary>docker exec, pause/unpause, top and stats with the real Docker CLI.</summary>
[Trait("Category", "Root")]
public sealed class ExecCliTests(RunningContainerFixture fixture) : IClassFixture<RunningContainerFixture>
{
    private Task<DockerCliResult> Docker(params string[] args) => fixture.Engine.DockerAsync(args);

    [Fact]
    public async Task Exec_prints_output()
    {
        var result = await Docker("exec", "web", "echo", "hi");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("hi\n", result.StandardOutput);
    }

    [Fact]
    public async Task Exec_passes_piped_stdin()
    {
        var result = await DockerCli.RunAsync(fixture.Engine.DockerHost, ["exec", "-i", "web", "cat"], "line1\nline2\n");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("line1\nline2\n", result.StandardOutput);
    }

    [Fact]
    public async Task Exec_exit_code_is_the_commands()
    {
        var result = await Docker("exec", "web", "sh", "-c", "exit 7");
        Assert.Equal(7, result.ExitCode);
    }

    [Fact]
    public async Task Exec_runs_as_the_given_user()
    {
        var result = await Docker("exec", "-u", "1000", "web", "id", "-u");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1000\n", result.StandardOutput);
    }

    [Fact]
    public async Task Detached_exec_runs_on_its_own()
    {
        var marker = "/tmp/detached-" + Guid.NewGuid().ToString("N")[..8];
        var result = await Docker("exec", "-d", "web", "sh", "-c", $"echo done > {marker}");
        Assert.True(result.ExitCode == 0, result.ToString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        DockerCliResult cat;
        while ((cat = await Docker("exec", "web", "cat", marker)).ExitCode != 0 && DateTime.UtcNow < deadline)
        {
        }
        Assert.Equal("done\n", cat.StandardOutput);
    }

    [Fact]
    public async Task Top_lists_the_container_process()
    {
        var result = await Docker("top", "web");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("CMD", result.StandardOutput);
        Assert.Contains("sleep 1000", result.StandardOutput);
    }

    [Fact]
    public async Task Stats_no_stream_prints_a_row()
    {
        var result = await Docker("stats", "--no-stream", "web");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("web", lines[1]);
        Assert.Matches(@"\d+(\.\d+)?[KMG]iB / \d+(\.\d+)?[KMG]iB", lines[1]);
    }
}

/// <summary>Pause and unpause with the CLI, on a container of its own.</summary>
[Trait("Category", "Root")]
public sealed class PauseCliTests(RunningContainerFixture fixture) : IClassFixture<RunningContainerFixture>
{
    private Task<DockerCliResult> Docker(params string[] args) => fixture.Engine.DockerAsync(args);

    [Fact]
    public async Task Pause_shows_in_ps_blocks_exec_and_stop_kills()
    {
        Assert.Equal(0, (await Docker("pause", "web")).ExitCode);
        var ps = await Docker("ps");
        Assert.Contains("(Paused)", ps.StandardOutput);
        var again = await Docker("pause", "web");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("is already paused", again.StandardError);

        Assert.Equal(0, (await Docker("unpause", "web")).ExitCode);
        Assert.DoesNotContain("(Paused)", (await Docker("ps")).StandardOutput);
        Assert.Equal("x\n", (await Docker("exec", "web", "echo", "x")).StandardOutput);

        Assert.Equal(0, (await Docker("pause", "web")).ExitCode);
        var stop = await Docker("stop", "web");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var status = await Docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "web");
        Assert.Equal("exited 137\n", status.StandardOutput);
        var notRunning = await Docker("pause", "web");
        Assert.Contains("is not running", notRunning.StandardError);
    }
}
