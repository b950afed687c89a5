using System.Text;
using Engine.Core.Containers;
using Engine.Core.Exec;
using Engine.Core.Sandbox;
using Engine.Storage.Errors;
using Engine.TestKit;

namespace Engine.Core.Tests.Exec;

/// <summary>Exec, pause/unpause, top and stats through the library alone (EngineSandbox).</summary>
[Trait("Category", "Root")]
public sealed class ExecTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private EngineSandbox _sandbox = null!;
    private SandboxContainer _box = null!;

    private IContainerEngine Engine => _sandbox.Engine;

    public async Task InitializeAsync()
    {
        _sandbox = await BusyboxSandbox.StartAsync();
        _box = await _sandbox.RunAsync("busybox", ["sleep", "1000"], (c, _) => c.Env = ["FROM_CONTAINER=yes"]);
    }

    public async Task DisposeAsync()
    {
        await _box.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunExecAsync(ExecConfig config, string? stdin = null)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var id = await Engine.Exec.CreateAsync(_box.Id, config, cts.Token);
        await using var attachment = await Engine.Exec.StartAsync(id, cancellationToken: cts.Token);
        if (stdin is not null)
        {
            await attachment.WriteStdinAsync(Encoding.UTF8.GetBytes(stdin), cts.Token);
            await attachment.CompleteStdinAsync();
        }
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        await foreach (var chunk in attachment.ReadOutputAsync(cts.Token))
        {
            (chunk.Stream == StdStream.Stderr ? stderr : stdout).Append(Encoding.UTF8.GetString(chunk.Data.Span));
        }
        // The output ends after the exit code is recorded: inspect has it without waiting.
        var details = await Engine.Exec.InspectAsync(id, cts.Token);
        Assert.False(details.Running);
        Assert.NotNull(details.ExitCode);
        return (details.ExitCode.Value, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Exec_gives_output_exit_code_and_the_containers_env()
    {
        var (code, stdout, stderr) = await RunExecAsync(new ExecConfig
        {
            AttachStdout = true,
            AttachStderr = true,
            Cmd = ["sh", "-c", "echo out $FROM_CONTAINER; echo err >&2; exit 7"],
        });
        Assert.Equal(7, code);
        Assert.Equal("out yes\n", stdout);
        Assert.Equal("err\n", stderr);
    }

    [Fact]
    public async Task Exec_is_inspectable_and_listed_in_the_container()
    {
        var id = await Engine.Exec.CreateAsync(_box.Id, new ExecConfig { AttachStdout = true, Cmd = ["sh", "-c", "exit 2"], User = "nobody" });
        var before = await Engine.Exec.InspectAsync(id);
        Assert.False(before.Running);
        Assert.Null(before.ExitCode);
        Assert.Equal("sh", before.ProcessConfig.Entrypoint);
        Assert.Equal(["-c", "exit 2"], before.ProcessConfig.Arguments);
        Assert.Equal("nobody", before.ProcessConfig.User);
        Assert.Equal(_box.Id, before.Container.Id);
        Assert.Contains(id, (await Engine.Containers.InspectAsync(_box.Id)).ExecIds);
        await using (await Engine.Exec.StartAsync(id))
        {
            Assert.Equal(2, await Engine.Exec.WaitAsync(id).WaitAsync(Deadline));
        }
        var ex = await Assert.ThrowsAsync<EngineException>(() => Engine.Exec.StartAsync(id));
        Assert.Equal(ErrorKind.Conflict, ex.Kind);
        var missing = await Assert.ThrowsAsync<EngineException>(() => Engine.Exec.InspectAsync("nope"));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task Stdin_reaches_the_exec_and_its_end_closes_it()
    {
        var (code, stdout, _) = await RunExecAsync(new ExecConfig { AttachStdin = true, AttachStdout = true, Cmd = ["cat"] }, "piped\n");
        Assert.Equal(0, code);
        Assert.Equal("piped\n", stdout);
    }

    [Fact]
    public async Task Tty_exec_runs_on_a_pty_of_the_container()
    {
        var (code, stdout, _) = await RunExecAsync(new ExecConfig { AttachStdout = true, Tty = true, Cmd = ["sh", "-c", "tty; echo $TERM"] });
        Assert.Equal(0, code);
        Assert.StartsWith("/dev/pts/", stdout);
        Assert.Contains("xterm", stdout);
    }

    [Fact]
    public async Task User_is_applied()
    {
        var (code, stdout, _) = await RunExecAsync(new ExecConfig { AttachStdout = true, User = "1000", Cmd = ["id", "-u"] });
        Assert.Equal(0, code);
        Assert.Equal("1000\n", stdout);
    }

    [Fact]
    public async Task Missing_command_ends_with_127_and_the_reason()
    {
        var (code, _, stderr) = await RunExecAsync(new ExecConfig { AttachStdout = true, AttachStderr = true, Cmd = ["nope"] });
        Assert.Equal(127, code);
        Assert.Contains("executable file not found", stderr);
    }

    [Fact]
    public async Task Exec_in_a_stopped_container_is_not_running()
    {
        await Engine.Containers.KillAsync(_box.Id);
        var ex = await Assert.ThrowsAsync<EngineException>(() => Engine.Exec.CreateAsync(_box.Id, new ExecConfig { Cmd = ["true"] }));
        Assert.Equal(ErrorKind.NotRunning, ex.Kind);
        Assert.Equal($"Container {_box.Id} is not running", ex.Message);
    }

    [Fact]
    public async Task Running_exec_dies_with_its_container()
    {
        var id = await Engine.Exec.CreateAsync(_box.Id, new ExecConfig { Cmd = ["sleep", "1000"] });
        await using var attachment = await Engine.Exec.StartAsync(id, detach: true);
        Assert.True((await Engine.Exec.InspectAsync(id)).Running);
        await Engine.Containers.StopAsync(_box.Id, TimeSpan.FromSeconds(1));
        Assert.Equal(137, await Engine.Exec.WaitAsync(id).WaitAsync(Deadline));
    }

    [Fact]
    public async Task Pause_freezes_and_unpause_thaws()
    {
        await Engine.Containers.PauseAsync(_box.Id);
        var paused = await Engine.Containers.InspectAsync(_box.Id);
        Assert.True(paused.State.Paused);
        Assert.Equal("paused", paused.State.Status);
        var again = await Assert.ThrowsAsync<EngineException>(() => Engine.Containers.PauseAsync(_box.Id));
        Assert.Equal(ErrorKind.Conflict, again.Kind);
        var exec = await Assert.ThrowsAsync<EngineException>(() => Engine.Exec.CreateAsync(_box.Id, new ExecConfig { Cmd = ["true"] }));
        Assert.Equal(ErrorKind.Conflict, exec.Kind);
        // Frozen: the process is in the refrigerator (state D or its freezer flag); it does not run.
        Assert.Contains(_box.Id, (await Engine.Containers.ListAsync(new ListContainersOptions())).Where(c => c.Status.EndsWith("(Paused)", StringComparison.Ordinal)).Select(c => c.Id));

        await Engine.Containers.UnpauseAsync(_box.Id);
        Assert.False((await Engine.Containers.InspectAsync(_box.Id)).State.Paused);
        var notPaused = await Assert.ThrowsAsync<EngineException>(() => Engine.Containers.UnpauseAsync(_box.Id));
        Assert.Equal(ErrorKind.Conflict, notPaused.Kind);
        var (code, stdout, _) = await RunExecAsync(new ExecConfig { AttachStdout = true, Cmd = ["echo", "alive"] });
        Assert.Equal((0, "alive\n"), (code, stdout));
    }

    [Fact]
    public async Task Stopping_a_paused_container_kills_it()
    {
        await Engine.Containers.PauseAsync(_box.Id);
        await Engine.Containers.StopAsync(_box.Id, TimeSpan.FromSeconds(30)).WaitAsync(Deadline);
        var state = (await Engine.Containers.InspectAsync(_box.Id)).State;
        Assert.False(state.Running);
        Assert.False(state.Paused);
        Assert.Equal(137, state.ExitCode);
    }

    [Fact]
    public async Task Top_lists_the_containers_processes()
    {
        var top = await Engine.Containers.TopAsync(_box.Id);
        Assert.Equal(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], top.Titles);
        var row = Assert.Single(top.Processes);
        Assert.Equal("sleep 1000", row[^1]);
        Assert.Equal((await Engine.Containers.InspectAsync(_box.Id)).State.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), row[1]);
    }

    [Fact]
    public void Ps_output_is_filtered_by_pid_and_keeps_spaces_in_the_last_column()
    {
        const string ps = "UID PID PPID CMD\nroot 1 0 /sbin/init splash\nroot 42 1 sleep 1000\n";
        var top = ContainerManager.ParsePs(ps, new HashSet<int> { 42 });
        Assert.Equal(["UID", "PID", "PPID", "CMD"], top.Titles);
        Assert.Equal(["root", "42", "1", "sleep 1000"], Assert.Single(top.Processes));
    }

    [Fact]
    public async Task Stats_reads_the_cgroup()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var samples = new List<ContainerStats>();
        await foreach (var s in Engine.Containers.StatsAsync(_box.Id, stream: false, cts.Token))
        {
            samples.Add(s);
        }
        var sample = Assert.Single(samples);
        Assert.Equal(_box.Id, sample.Id);
        Assert.True(sample.Memory.Usage > 0);
        Assert.True(sample.Memory.Limit > 0);
        Assert.True(sample.Cpu.SystemCpuUsage > sample.PreCpu.SystemCpuUsage);
        Assert.True(sample.PreCpu.SystemCpuUsage > 0);
        Assert.True(sample.Cpu.TotalUsage > 0);
        Assert.Equal(1, sample.PidsCurrent);

        var streamed = 0;
        await foreach (var _ in Engine.Containers.StatsAsync(_box.Id, stream: true, cts.Token))
        {
            if (++streamed == 2)
            {
                break;
            }
        }
        Assert.Equal(2, streamed);
    }
}
