using Engine.Core.Containers;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.TestKit;

namespace Engine.Core.Tests.Networking;

/// <summary>Config.MacAddress and Config.NetworkDisabled on the bridge.</summary>
[Trait("Category", "Root")]
public sealed class MacAndDisabledTests
{
    [Fact]
    public async Task A_given_mac_address_is_the_containers()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["cat", "/sys/class/net/eth0/address"], (c, h) =>
        {
            c.MacAddress = "02:42:AC:11:00:99";
            h.NetworkMode = "bridge";
        });
        Assert.Equal("02:42:ac:11:00:99\n", (await box.WaitAsync()).Stdout);
    }

    [Fact]
    public async Task Network_disabled_leaves_only_loopback()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var box = await sandbox.RunAsync("busybox", ["ls", "/sys/class/net"], (c, h) =>
        {
            c.NetworkDisabled = true;
            h.NetworkMode = "bridge";
        });
        Assert.Equal("lo\n", (await box.WaitAsync()).Stdout);
    }

    [Fact]
    public async Task A_malformed_mac_address_is_refused()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        var e = await Assert.ThrowsAsync<EngineException>(() => sandbox.Engine.Containers.CreateAsync(new CreateContainerRequest
        {
            Config = new ContainerConfig { Image = "busybox", Cmd = ["true"], MacAddress = "02:42:zz" },
        }));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        Assert.Equal("02:42:zz is not a valid mac address", e.Message);
    }
}
