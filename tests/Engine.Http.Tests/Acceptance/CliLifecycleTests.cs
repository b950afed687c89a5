using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engine.Http.Tests.Acceptance;

/// <summary>Issue 2, Done when: detached containers through the CLI: ps, logs, inspect, stop, kill, restart, rm, tag, rmi.</summary>
[Trait("Category", "Root")]
public sealed class CliLifecycleTests(AcceptanceEngine fixture) : IClassFixture<AcceptanceEngine>
{
    private async Task<string> RunDetachedAsync(string name, params string[] command)
    {
        var result = await fixture.DockerAsync(["run", "-d", "--name", name, "busybox", .. command]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var id = result.StandardOutput.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        return id;
    }

    private async Task<DockerCliResult> OkAsync(params string[] args)
    {
        var result = await fixture.DockerAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result}");
        return result;
    }

    [Fact]
    public async Task Run_detached_then_ps_inspect_and_rm_force()
    {
        var name = AcceptanceEngine.UniqueName("web");
        var id = await RunDetachedAsync(name, "sleep", "300");

        var ps = await OkAsync("ps");
        var row = ps.StandardOutput.Split('\n').SingleOrDefault(l => l.EndsWith(" " + name, StringComparison.Ordinal));
        Assert.True(row is not null, ps.StandardOutput);
        Assert.StartsWith(id[..12], row);
        Assert.Matches(@"\s+busybox\s+""sleep 300""\s+.*\s+Up ", row);

        var psAll = await OkAsync("ps", "-a", "--no-trunc");
        Assert.Contains(psAll.StandardOutput.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal) && l.EndsWith(" " + name, StringComparison.Ordinal));

        var inspect = await OkAsync("inspect", name);
        var doc = JsonDocument.Parse(inspect.StandardOutput).RootElement;
        Assert.Equal(1, doc.GetArrayLength());
        var c = doc[0];
        Assert.Equal(id, c.GetProperty("Id").GetString());
        Assert.Equal("/" + name, c.GetProperty("Name").GetString());
        Assert.True(c.GetProperty("State").GetProperty("Running").GetBoolean());
        Assert.Equal("running", c.GetProperty("State").GetProperty("Status").GetString());
        Assert.True(c.GetProperty("State").GetProperty("Pid").GetInt32() > 0);
        Assert.Equal(new[] { "sleep", "300" }, c.GetProperty("Config").GetProperty("Cmd").EnumerateArray().Select(e => e.GetString() ?? "").ToArray());

        var rm = await OkAsync("rm", "-f", name);
        Assert.Equal(name + "\n", rm.StandardOutput);
        var after = await fixture.DockerAsync("inspect", name);
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("No such", after.StandardError + after.StandardOutput);
    }

    [Fact]
    public async Task Ps_a_shows_exited_containers_and_ps_does_not()
    {
        var name = AcceptanceEngine.UniqueName("done");
        await OkAsync("run", "--name", name, "busybox", "true");
        var ps = await OkAsync("ps");
        Assert.DoesNotContain(name, ps.StandardOutput);
        var psAll = await OkAsync("ps", "-a");
        var row = psAll.StandardOutput.Split('\n').Single(l => l.EndsWith(" " + name, StringComparison.Ordinal));
        Assert.Matches(@"\sExited \(0\) ", row);
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Logs_keep_stdout_and_stderr_apart()
    {
        var name = AcceptanceEngine.UniqueName("logs");
        await OkAsync("run", "--name", name, "busybox", "sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2");
        var logs = await OkAsync("logs", name);
        Assert.Equal("out1\nout2\n", logs.StandardOutput);
        Assert.Equal("err1\nerr2\n", logs.StandardError);
        var stamped = await OkAsync("logs", "-t", name);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z out1\n\S+ out2\n$", stamped.StandardOutput);
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Logs_tail_gives_the_last_lines()
    {
        var name = AcceptanceEngine.UniqueName("tail");
        await OkAsync("run", "--name", name, "busybox", "sh", "-c", "echo a; echo b; echo c");
        Assert.Equal("b\nc\n", (await OkAsync("logs", "--tail", "2", name)).StandardOutput);
        Assert.Equal("a\nb\nc\n", (await OkAsync("logs", "--tail", "all", name)).StandardOutput);
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Stop_waits_t_seconds_for_a_process_that_ignores_sigterm_then_kills_it()
    {
        var name = AcceptanceEngine.UniqueName("stubborn");
        await RunDetachedAsync(name, "sleep", "300"); // PID 1 without a handler: SIGTERM is ignored
        await fixture.WaitForStatusAsync(name, "running");
        var watch = Stopwatch.StartNew();
        var stop = await OkAsync("stop", "-t", "2", name);
        watch.Stop();
        Assert.Equal(name + "\n", stop.StandardOutput);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"stop returned after {watch.Elapsed}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"stop returned after {watch.Elapsed}");
        var state = (await fixture.InspectAsync(name)).GetProperty("State");
        Assert.False(state.GetProperty("Running").GetBoolean());
        Assert.Equal("exited", state.GetProperty("Status").GetString());
        Assert.Equal(137, state.GetProperty("ExitCode").GetInt32());
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Stop_returns_at_once_when_the_process_exits_on_sigterm()
    {
        var name = AcceptanceEngine.UniqueName("polite");
        await RunDetachedAsync(name, "sh", "-c", "trap 'exit 0' TERM; echo ready; while true; do sleep 0.1; done");
        // The trap is set once "ready" is in the log.
        await Poll.UntilAsync(
            async () => { var l = await fixture.DockerAsync("logs", name); return (l.StandardOutput == "ready\n", l.StandardOutput); },
            TimeSpan.FromSeconds(30), "the trap was not set");
        var watch = Stopwatch.StartNew();
        await OkAsync("stop", "-t", "10", name);
        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {watch.Elapsed}");
        var state = (await fixture.InspectAsync(name)).GetProperty("State");
        Assert.Equal("exited", state.GetProperty("Status").GetString());
        Assert.Equal(0, state.GetProperty("ExitCode").GetInt32());
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Kill_ends_the_container_with_137()
    {
        var name = AcceptanceEngine.UniqueName("victim");
        await RunDetachedAsync(name, "sleep", "300");
        var kill = await OkAsync("kill", name);
        Assert.Equal(name + "\n", kill.StandardOutput);
        var inspect = await fixture.WaitForStatusAsync(name, "exited");
        Assert.Equal(137, inspect.GetProperty("State").GetProperty("ExitCode").GetInt32());
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Kill_with_a_signal_name_delivers_that_signal()
    {
        var name = AcceptanceEngine.UniqueName("usr1");
        await RunDetachedAsync(name, "sh", "-c", "trap 'exit 7' USR1; echo ready; while true; do sleep 0.1; done");
        await Poll.UntilAsync(
            async () => { var l = await fixture.DockerAsync("logs", name); return (l.StandardOutput == "ready\n", l.StandardOutput); },
            TimeSpan.FromSeconds(30), "the trap was not set");
        await OkAsync("kill", "-s", "USR1", name);
        var inspect = await fixture.WaitForStatusAsync(name, "exited");
        Assert.Equal(7, inspect.GetProperty("State").GetProperty("ExitCode").GetInt32());
        await OkAsync("rm", name);
    }

    [Fact]
    public async Task Restart_starts_it_again_with_a_new_start_time()
    {
        var name = AcceptanceEngine.UniqueName("again");
        await RunDetachedAsync(name, "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done");
        var before = await fixture.WaitForStatusAsync(name, "running");
        var startedBefore = before.GetProperty("State").GetProperty("StartedAt").GetString();
        var pidBefore = before.GetProperty("State").GetProperty("Pid").GetInt32();

        var restart = await OkAsync("restart", "-t", "5", name);
        Assert.Equal(name + "\n", restart.StandardOutput);

        var after = await fixture.WaitForStatusAsync(name, "running");
        Assert.True(after.GetProperty("State").GetProperty("Running").GetBoolean());
        Assert.NotEqual(startedBefore, after.GetProperty("State").GetProperty("StartedAt").GetString());
        Assert.NotEqual(pidBefore, after.GetProperty("State").GetProperty("Pid").GetInt32());
        Assert.False(Directory.Exists($"/proc/{pidBefore}") && File.ReadAllText($"/proc/{pidBefore}/cmdline").Contains("sleep"), "the old process is still there");
        var ps = await OkAsync("ps");
        Assert.Matches(@"\sUp .*\s" + Regex.Escape(name) + "\n", ps.StandardOutput);
        await OkAsync("rm", "-f", name);
    }

    [Fact]
    public async Task Tag_then_rmi_of_the_tag_keeps_the_image()
    {
        var tag = AcceptanceEngine.UniqueName("tagged") + ":v2";
        var result = await OkAsync("tag", "busybox:latest", tag);
        Assert.Equal("", result.StandardOutput);
        var images = await OkAsync("images", "--no-trunc");
        var repo = tag.Split(':')[0];
        Assert.Matches(@"(?m)^" + Regex.Escape(repo) + @"\s+v2\s+" + Regex.Escape(fixture.BusyboxId) + @"\s", images.StandardOutput);

        var rmi = await OkAsync("rmi", tag);
        Assert.Equal($"Untagged: {tag}\n", rmi.StandardOutput);
        images = await OkAsync("images");
        Assert.DoesNotContain(repo, images.StandardOutput);
        Assert.Matches(@"(?m)^busybox\s+latest\s", images.StandardOutput);
        var inspect = await fixture.DockerAsync("image", "inspect", tag);
        Assert.NotEqual(0, inspect.ExitCode);
    }

    [Fact]
    public async Task Rmi_of_an_unknown_image_fails()
    {
        var rmi = await fixture.DockerAsync("rmi", "nosuch-image:v9");
        Assert.NotEqual(0, rmi.ExitCode);
        Assert.Contains("No such image", rmi.StandardError);
    }
}
