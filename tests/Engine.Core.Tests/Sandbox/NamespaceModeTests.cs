using Engine.Core.Containers;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.TestKit;

namespace Engine.Core.Tests.Sandbox;

/// <summary>HostConfig.IpcMode (host, container:NAME) and PidMode (host).</summary>
[Trait("Category", "Root")]
public sealed class NamespaceModeTests
{
    private static string HostNamespace(string kind) => new FileInfo($"/proc/self/ns/{kind}").LinkTarget!;

    [Fact]
    public async Task Ipc_host_shares_the_engines_ipc_namespace_and_a_private_one_does_not()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var shared = await sandbox.RunAsync("busybox", ["readlink", "/proc/self/ns/ipc"], (_, h) => h.IpcMode = "host");
        Assert.Equal(HostNamespace("ipc") + "\n", (await shared.WaitAsync()).Stdout);
        await using var own = await sandbox.RunAsync("busybox", ["readlink", "/proc/self/ns/ipc"]);
        Assert.NotEqual(HostNamespace("ipc") + "\n", (await own.WaitAsync()).Stdout);
    }

    [Fact]
    public async Task Ipc_container_joins_that_containers_namespace()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var first = await sandbox.RunAsync("busybox", ["sleep", "1000"]);
        var firstPid = (await sandbox.Engine.Containers.InspectAsync(first.Id)).State.Pid;
        await using var second = await sandbox.RunAsync("busybox", ["readlink", "/proc/self/ns/ipc"], (_, h) => h.IpcMode = "container:" + first.Id);
        Assert.Equal(new FileInfo($"/proc/{firstPid}/ns/ipc").LinkTarget + "\n", (await second.WaitAsync()).Stdout);
    }

    [Fact]
    public async Task Pid_host_sees_the_hosts_processes()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["sh", "-c", $"readlink /proc/self/ns/pid; test -d /proc/{Environment.ProcessId} && echo sees-engine"], (_, h) => h.PidMode = "host");
        var result = await box.WaitAsync();
        Assert.Equal(HostNamespace("pid") + "\nsees-engine\n", result.Stdout);
    }

    [Theory]
    [InlineData("bogus", "")]
    [InlineData("container:", "")]
    [InlineData("", "container:x")]
    public async Task Unknown_modes_are_refused_at_create(string ipc, string pid)
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        var e = await Assert.ThrowsAsync<EngineException>(() => sandbox.Engine.Containers.CreateAsync(new CreateContainerRequest
        {
            Config = new ContainerConfig { Image = "busybox", Cmd = ["true"] },
            HostConfig = new HostConfig { IpcMode = ipc, PidMode = pid },
        }));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
    }
}
