using Engine.Core.Containers;
using Engine.Core.Sandbox;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.TestKit;

namespace Engine.Core.Tests.Sandbox;

/// <summary>Docker 1.7's volumes: binds, engine-made volumes filled from the image, volumes-from, rm -v.</summary>
[Trait("Category", "Root")]
public sealed class VolumeTests
{
    [Fact]
    public async Task A_new_volume_holds_the_images_content_is_shared_by_volumes_from_and_removed_with_v()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        await using var first = await sandbox.RunAsync("busybox", ["sh", "-c", "cat /etc/group | head -1; echo shared > /etc/note"], (c, _) =>
            c.Volumes = new() { ["/etc"] = EmptyObject.Instance });
        var r1 = await first.WaitAsync();
        Assert.Equal(0, r1.ExitCode);
        Assert.Equal("root:x:0:\n", r1.Stdout);
        var details = await sandbox.Engine.Containers.InspectAsync(first.Id);
        var source = details.Volumes["/etc"];
        Assert.True(details.VolumesRW["/etc"]);
        Assert.Equal("shared\n", File.ReadAllText(Path.Combine(source, "note")));

        await using var second = await sandbox.RunAsync("busybox", ["sh", "-c", "cat /etc/note; echo no > /etc/other"], (_, h) =>
            h.VolumesFrom = [first.Id + ":ro"]);
        var r2 = await second.WaitAsync();
        Assert.Equal("shared\n", r2.Stdout);
        Assert.Contains("Read-only file system", r2.Stderr);

        await sandbox.Engine.Containers.RemoveAsync(second.Id, removeVolumes: true);
        Assert.True(Directory.Exists(source), "a volume made for another container stays");
        await sandbox.Engine.Containers.RemoveAsync(first.Id, removeVolumes: true);
        Assert.False(Directory.Exists(source));
    }

    [Fact]
    public async Task Binds_mount_host_paths_read_write_or_read_only()
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        var host = TestPaths.NewTempDir("bind");
        try
        {
            File.WriteAllText(Path.Combine(host, "in.txt"), "from host\n");
            await using var box = await sandbox.RunAsync("busybox", ["sh", "-c", "cat /rw/in.txt; echo back > /rw/out.txt; cat /ro/in.txt; touch /ro/x"], (_, h) =>
                h.Binds = [$"{host}:/rw", $"{host}:/ro:ro"]);
            var result = await box.WaitAsync();
            Assert.Equal("from host\nfrom host\n", result.Stdout);
            Assert.Contains("Read-only file system", result.Stderr);
            Assert.Equal("back\n", File.ReadAllText(Path.Combine(host, "out.txt")));
            Assert.False(File.Exists(Path.Combine(host, "x")));
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    [Theory]
    [InlineData("relative:/x")]
    [InlineData("/a:relative")]
    [InlineData("/a:/b:rx")]
    [InlineData("/a:/b:ro:extra")]
    public async Task Invalid_binds_are_refused_and_create_nothing(string bind)
    {
        await using var sandbox = await BusyboxSandbox.StartAsync();
        var e = await Assert.ThrowsAsync<EngineException>(() => sandbox.Engine.Containers.CreateAsync(new CreateContainerRequest
        {
            Config = new ContainerConfig { Image = "busybox", Cmd = ["true"] },
            HostConfig = new HostConfig { Binds = [bind] },
        }));
        Assert.Equal(ErrorKind.InvalidParameter, e.Kind);
        Assert.Empty(await sandbox.Engine.Containers.ListAsync(new ListContainersOptions { All = true }));
    }
}
