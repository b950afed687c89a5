using System.Text.Json;

namespace Engine.Http.Tests.Acceptance;

/// <summary>
/// Issue 2, Done when: an engine restarted on the same data root shows everything as before
/// (after SIGTERM), and after a crash (SIGKILL) shows its running container exited and leaves
/// no process, mount or cgroup of it.
/// </summary>
[Trait("Category", "Root")]
public sealed class EngineRestartTests
{
    private static async Task<DockerCliResult> OkAsync(EngineProcess engine, params string[] args)
    {
        var result = await engine.DockerAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result}\n{engine.Log}");
        return result;
    }

    private static async Task<JsonElement> InspectAsync(EngineProcess engine, string name) =>
        JsonDocument.Parse((await OkAsync(engine, "inspect", name)).StandardOutput).RootElement[0].Clone();

    private sealed record Snapshot(string Containers, string Images, string LogsOut, string LogsErr, string ExitedState);

    private static async Task<Snapshot> SnapshotAsync(EngineProcess engine, string logsName)
    {
        var ps = await OkAsync(engine, "ps", "-a", "--no-trunc", "--format", "{{.ID}}|{{.Names}}|{{.Image}}|{{.Command}}|{{.CreatedAt}}");
        var images = await OkAsync(engine, "images", "--no-trunc", "--format", "{{.ID}}|{{.Repository}}|{{.Tag}}|{{.CreatedAt}}|{{.Size}}");
        var logs = await OkAsync(engine, "logs", "-t", logsName);
        var state = (await InspectAsync(engine, logsName)).GetProperty("State");
        return new Snapshot(
            string.Join('\n', ps.StandardOutput.Split('\n').Order(StringComparer.Ordinal)),
            string.Join('\n', images.StandardOutput.Split('\n').Order(StringComparer.Ordinal)),
            logs.StandardOutput,
            logs.StandardError,
            $"{state.GetProperty("Status")} {state.GetProperty("ExitCode")} {state.GetProperty("StartedAt")} {state.GetProperty("FinishedAt")}");
    }

    [Fact]
    public async Task Restart_after_sigterm_shows_containers_images_and_logs_as_before()
    {
        var first = new EngineProcess();
        await first.InitializeAsync();
        try
        {
            await AcceptanceEngine.ImportBusyboxAsync(first);
            await OkAsync(first, "tag", "busybox", "kept:v1");
            await OkAsync(first, "run", "--name", "logged", "busybox", "sh", "-c", "echo out; echo err >&2");
            await OkAsync(first, "create", "--name", "created", "busybox", "echo", "later");
            var runningId = (await OkAsync(first, "run", "-d", "--name", "running", "busybox", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done")).StandardOutput.Trim();
            var ids = (await OkAsync(first, "ps", "-aq", "--no-trunc")).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, ids.Length);
            var before = await SnapshotAsync(first, "logged");
            Assert.Equal("out\n", before.LogsOut[^4..]);

            await first.StopAsync();
            Assert.True(first.ExitCode == 0, first.Log);
            Assert.False(File.Exists(first.SocketPath), "the socket was not removed");
            Leftovers.AssertNone(first.Root, ids);

            var second = EngineProcess.OnSameRoot(first);
            await second.InitializeAsync();
            try
            {
                var after = await SnapshotAsync(second, "logged");
                Assert.Equal(before, after);
                var ps = await OkAsync(second, "ps", "-a");
                Assert.Matches(@"\sExited \(0\) .*\slogged\n", ps.StandardOutput);
                Assert.Matches(@"\sCreated\s.*\screated\n", ps.StandardOutput);
                Assert.Matches(@"\sExited \(\d+\) .*\srunning\n", ps.StandardOutput);
                Assert.Equal("", (await OkAsync(second, "ps", "-q")).StandardOutput);

                // The state is usable: start the created one and the stopped one again.
                Assert.Equal("later\n", (await OkAsync(second, "start", "-a", "created")).StandardOutput);
                await OkAsync(second, "start", "running");
                Assert.True((await InspectAsync(second, runningId)).GetProperty("State").GetProperty("Running").GetBoolean());
                await OkAsync(second, "rm", "-f", "running", "created", "logged");
                await OkAsync(second, "rmi", "kept:v1");
            }
            finally
            {
                await second.StopAsync();
                await second.DisposeAsync();
            }
            Assert.True(second.ExitCode == 0, second.Log);
            Leftovers.AssertNone(first.Root, ids);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_after_sigkill_shows_the_running_container_exited_and_leaves_nothing_of_it()
    {
        var first = new EngineProcess();
        await first.InitializeAsync();
        try
        {
            await AcceptanceEngine.ImportBusyboxAsync(first);
            var id = (await OkAsync(first, "run", "-d", "--name", "orphan", "busybox", "sleep", "300")).StandardOutput.Trim();
            var state = (await InspectAsync(first, id)).GetProperty("State");
            Assert.True(state.GetProperty("Running").GetBoolean());
            int pid = state.GetProperty("Pid").GetInt32();
            string startTime = ProcessStartTime(pid) ?? throw new InvalidOperationException($"container pid {pid} not found");
            // The checks below can see what they look for while it runs.
            Assert.NotEmpty(Leftovers.CgroupsOf([id]));
            Assert.NotEmpty(Leftovers.ProcessesOf([id]));
            Assert.NotEmpty(Leftovers.MountsUnder(first.Root));

            await first.StopAsync(9);

            var second = EngineProcess.OnSameRoot(first);
            await second.InitializeAsync();
            try
            {
                var after = (await InspectAsync(second, "orphan")).GetProperty("State");
                Assert.False(after.GetProperty("Running").GetBoolean());
                Assert.Equal("exited", after.GetProperty("Status").GetString());
                var ps = await OkAsync(second, "ps", "-a");
                Assert.Matches(@"\sExited \(\d+\) .*\sorphan\n", ps.StandardOutput);
                Assert.Equal("", (await OkAsync(second, "ps", "-q")).StandardOutput);

                await Poll.UntilAsync(() => ProcessStartTime(pid) != startTime, TimeSpan.FromSeconds(10), $"container process {pid} still runs");
                await Poll.UntilAsync(() => Leftovers.CgroupsOf([id]).Count == 0, TimeSpan.FromSeconds(10), "the container's cgroups remain");
                Assert.Empty(Leftovers.ProcessesOf([id]));
                Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(id, StringComparison.Ordinal));
                Assert.Empty(Leftovers.MountsUnder(first.Root));

                // And it can run again.
                await OkAsync(second, "start", "orphan");
                Assert.True((await InspectAsync(second, "orphan")).GetProperty("State").GetProperty("Running").GetBoolean());
                await OkAsync(second, "rm", "-f", "orphan");
            }
            finally
            {
                await second.StopAsync();
                await second.DisposeAsync();
            }
            Assert.True(second.ExitCode == 0, second.Log);
            Leftovers.AssertNone(first.Root, [id]);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    /// <summary>Field 22 of /proc/(pid)/stat, to tell a process from a later one with the same pid; null when gone.</summary>
    private static string? ProcessStartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
