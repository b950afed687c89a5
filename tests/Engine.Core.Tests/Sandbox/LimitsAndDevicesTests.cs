using Engine.Core.Containers;
using Engine.Core.Sandbox;
using Engine.Storage.Errors;
using Engine.TestKit;

namespace Engine.Core.Tests.Sandbox;

/// <summary>HostConfig.Ulimits and HostConfig.Devices reach the container.</summary>
[Trait("Category", "Root")]
public sealed class LimitsAndDevicesTests
{
    [Fact]
    public async Task Ulimits_are_set_for_the_process()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["sh", "-c", "ulimit -n; ulimit -Hn"], (_, h) =>
            h.Ulimits = [new Ulimit { Name = "nofile", Soft = 1234, Hard = 2345 }]);
        var result = await box.WaitAsync();
        Assert.Equal("1234\n2345\n", result.Stdout);
    }

    [Fact]
    public async Task The_memory_limit_holds_for_the_container_and_its_children()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        // tail keeps the whole (newline-free) input in memory: 200 MB cannot fit under 32 MB, the kernel kills it.
        await using var box = await sandbox.RunAsync("busybox", ["sh", "-c", "grep memory /proc/self/cgroup; head -c 200000000 /dev/zero | tail -n 1 >/dev/null; echo survived=$?"], (_, h) =>
        {
            h.Memory = 32 * 1024 * 1024;
            h.MemorySwap = -1;
        });
        var result = await box.WaitAsync();
        Assert.Contains("/" + box.Id + "\n", result.Stdout);
        Assert.True(result.Stdout.Contains("survived=137"), result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task A_limit_the_kernel_refuses_fails_the_start_and_leaves_no_cgroup()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        var id = (await sandbox.Engine.Containers.CreateAsync(new CreateContainerRequest
        {
            Config = new Storage.Images.ContainerConfig { Image = "busybox", Cmd = ["true"] },
            HostConfig = new HostConfig { NetworkMode = "none", CpusetCpus = "999" },
        })).Id;
        await Assert.ThrowsAnyAsync<Exception>(() => sandbox.Engine.Containers.StartAsync(id));
        var parent = ((Microsoft.Extensions.Options.IOptions<EngineOptions>)sandbox.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<EngineOptions>))!).Value.CgroupParent;
        var left = Directory.EnumerateDirectories("/sys/fs/cgroup")
            .Select(h => Path.Combine(h, parent, id))
            .Where(Directory.Exists)
            .ToList();
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_mapped_device_is_usable_and_others_are_not()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        // /dev/fuse (c 10:229) is not in Docker's default allow-list: readable only when mapped.
        await using var mapped = await sandbox.RunAsync("busybox", ["sh", "-c", "ls -l /dev/myfuse | cut -c1; exec 3</dev/myfuse && echo readable"], (_, h) =>
            h.Devices = [new DeviceMapping { PathOnHost = "/dev/fuse", PathInContainer = "/dev/myfuse", CgroupPermissions = "rw" }]);
        var ok = await mapped.WaitAsync();
        Assert.True(ok.Stdout == "c\nreadable\n", ok.Stdout + ok.Stderr);

        await using var denied = await sandbox.RunAsync("busybox", ["sh", "-c", "mknod /dev/k c 10 229 && exec 3</dev/k"]);
        var no = await denied.WaitAsync();
        Assert.NotEqual(0, no.ExitCode);
        Assert.Contains("Operation not permitted", no.Stderr);
    }

    [Fact]
    public async Task A_device_path_that_is_not_a_device_is_refused_at_start()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        var e = await Assert.ThrowsAsync<EngineException>(() => sandbox.RunAsync("busybox", ["true"], (_, h) =>
            h.Devices = [new DeviceMapping { PathOnHost = "/etc/hostname", PathInContainer = "/dev/x" }]));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        Assert.Contains("not a device node", e.Message);
    }
}
