using Engine.Core.Runtime;
using Engine.Storage.Errors;

namespace Engine.Core.Tests.Runtime;

[Trait("Category", "Root")]
public sealed class LinuxContainerRuntimeTests
{
    [Fact]
    public async Task StdoutAndStderrAreSeparate()
    {
        await using var h = new RuntimeHarness();
        var (stdout, stderr, code) = await h.RunAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("sh", "-c", "echo out; echo err >&2")));
        Assert.Equal("out\n", stdout);
        Assert.Equal("err\n", stderr);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task ExitCodeIsReported()
    {
        await using var h = new RuntimeHarness();
        var (_, _, code) = await h.RunAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("sh", "-c", "exit 3")));
        Assert.Equal(3, code);
    }

    [Fact]
    public async Task KilledBySigkillGives137AndLivesInItsCgroup()
    {
        await using var h = new RuntimeHarness();
        string id = RuntimeHarness.NewId();
        var process = await h.StartAsync(h.Spec(id, RuntimeHarness.Command("sleep", "1000")));
        string cgroups = await File.ReadAllTextAsync($"/proc/{process.Pid}/cgroup");
        Assert.Contains($"/{h.CgroupParent}/{id}", cgroups);
        process.Signal(9);
        Assert.Equal(137, await process.Exited);
        process.Signal(9); // after exit: ignored
    }

    [Fact]
    public async Task UserCommandIsPid1()
    {
        await using var h = new RuntimeHarness();
        var (stdout, _, code) = await h.RunAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("sh", "-c", "echo $$")));
        Assert.Equal("1\n", stdout);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task HostnameIsSet()
    {
        await using var h = new RuntimeHarness();
        var (stdout, _, _) = await h.RunAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("hostname"), hostname: "box-one"));
        Assert.Equal("box-one\n", stdout);
    }

    [Theory]
    [InlineData("", "uid=0(root) gid=0(root)")]
    [InlineData("root", "uid=0(root) gid=0(root)")]
    [InlineData("1000", "uid=1000(app) gid=1000(app)")]
    [InlineData("app", "uid=1000(app) gid=1000(app)")]
    [InlineData("app:extra", "uid=1000(app) gid=1001(extra)")]
    public async Task UserIsResolvedInTheContainer(string user, string expected)
    {
        await using var h = new RuntimeHarness();
        var process = new ProcessSpec { Args = ["id"], User = user };
        var (stdout, stderr, code) = await h.RunAsync(h.Spec(RuntimeHarness.NewId(), process));
        Assert.True(code == 0, stderr);
        Assert.StartsWith(expected, stdout);
    }

    [Fact]
    public async Task AppHasItsSupplementaryGroup()
    {
        await using var h = new RuntimeHarness();
        var (stdout, _, _) = await h.RunAsync(h.Spec(RuntimeHarness.NewId(), new ProcessSpec { Args = ["id", "-G"], User = "app" }));
        Assert.Equal(["1000", "1001"], stdout.Trim().Split(' ').Order().ToArray());
    }

    [Fact]
    public async Task UnknownUserFails()
    {
        await using var h = new RuntimeHarness();
        string id = RuntimeHarness.NewId();
        var e = await Assert.ThrowsAsync<EngineException>(() => h.StartAsync(h.Spec(id, new ProcessSpec { Args = ["id"], User = "nosuch" })));
        Assert.Contains("unable to find user nosuch", e.Message);
        Assert.False(h.Runtime.Cgroups.Exists(h.CgroupParent, id));
    }

    [Fact]
    public async Task MissingExecutableFails()
    {
        await using var h = new RuntimeHarness();
        string id = RuntimeHarness.NewId();
        var e = await Assert.ThrowsAsync<EngineException>(() => h.StartAsync(h.Spec(id, RuntimeHarness.Command("nosuchcmd"))));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains("exec: \"nosuchcmd\": executable file not found in $PATH", e.Message);
        Assert.False(h.Runtime.Cgroups.Exists(h.CgroupParent, id));
    }

    [Fact]
    public async Task TtyIsAContainerPts()
    {
        await using var h = new RuntimeHarness();
        var process = await h.StartAsync(h.Spec(RuntimeHarness.NewId(), new ProcessSpec { Args = ["tty"], Tty = true, TtyHeight = 30, TtyWidth = 100 }));
        Assert.Null(process.Stderr);
        process.Resize(40, 120);
        var (stdout, _, code) = await RuntimeHarness.CollectAsync(process);
        Assert.Equal("/dev/pts/0", stdout.Trim());
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task StdinPipeReachesTheProcess()
    {
        await using var h = new RuntimeHarness();
        var process = await h.StartAsync(h.Spec(RuntimeHarness.NewId(), new ProcessSpec { Args = ["cat"], Stdin = true }));
        var output = RuntimeHarness.ReadAllAsync(process.Stdout);
        await process.Stdin!.WriteAsync("hello\n"u8.ToArray());
        process.CloseStdin();
        Assert.Equal("hello\n", await output);
        Assert.Equal(0, await process.Exited);
    }

    [Fact]
    public async Task ExecJoinsTheContainer()
    {
        await using var h = new RuntimeHarness();
        var container = await h.StartAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("sleep", "1000"), hostname: "exec-box"));
        var exec = await h.ExecAsync(container, RuntimeHarness.Command("sh", "-c", "hostname; ps -o pid,args"));
        var (stdout, stderr, code) = await RuntimeHarness.CollectAsync(exec);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("exec-box", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("1 ", StringComparison.Ordinal) && l.Contains("sleep 1000", StringComparison.Ordinal));
        string cgroups = await File.ReadAllTextAsync($"/proc/{container.Pid}/cgroup");
        Assert.Contains(h.CgroupParent, cgroups);
        container.Signal(9);
        Assert.Equal(137, await container.Exited);
    }

    [Fact]
    public async Task OwnNetworkNamespaceHasLoopbackUp()
    {
        await using var h = new RuntimeHarness();
        var (stdout, stderr, code) = await h.RunAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("sh", "-c", "readlink /proc/self/ns/net; ip link show lo"), network: "bridge"));
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, lines[0]);
        Assert.Contains("<LOOPBACK,UP", stdout);
    }

    [Fact]
    public async Task HostNetworkSharesTheHostNamespace()
    {
        await using var h = new RuntimeHarness();
        var (stdout, _, code) = await h.RunAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("readlink", "/proc/self/ns/net"), network: "host"));
        Assert.Equal(0, code);
        Assert.Equal(new FileInfo("/proc/self/ns/net").LinkTarget, stdout.Trim());
    }

    [Fact]
    public async Task HundredMegabytesThroughStdout()
    {
        const long size = 100L * 1024 * 1024;
        await using var h = new RuntimeHarness();
        var process = await h.StartAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("head", "-c", size.ToString(System.Globalization.CultureInfo.InvariantCulture), "/dev/zero")));
        var buffer = new byte[64 * 1024];
        long total = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int n;
        while ((n = await process.Stdout.ReadAsync(buffer)) > 0)
        {
            total += n;
        }
        Assert.Equal(size, total);
        Assert.Equal(0, await process.Exited);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task TwoContainersAtOnce()
    {
        await using var h = new RuntimeHarness();
        var a = h.RunAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("sh", "-c", "echo a; echo $$"), hostname: "a"));
        var b = h.RunAsync(h.Spec(RuntimeHarness.NewId(), RuntimeHarness.Command("sh", "-c", "echo b; echo $$"), hostname: "b"));
        var results = await Task.WhenAll(a, b);
        Assert.Equal("a\n1\n", results[0].Stdout);
        Assert.Equal("b\n1\n", results[1].Stdout);
    }

    [Fact]
    public async Task CancelledStartUndoesEverything()
    {
        await using var h = new RuntimeHarness();
        string id = RuntimeHarness.NewId();
        using var cts = new CancellationTokenSource();
        var gate = new TaskCompletionSource();
        var spec = new ContainerRuntimeSpec
        {
            Id = id,
            RootFs = h.RootFs,
            Process = RuntimeHarness.Command("true"),
            BeforeExec = async (pid, ct) =>
            {
                cts.Cancel();
                await Task.Delay(Timeout.Infinite, ct);
            },
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Runtime.StartAsync(spec, cts.Token));
        Assert.False(h.Runtime.Cgroups.Exists(h.CgroupParent, id));
    }
}
