using System.Diagnostics;
using Engine.Core.Runtime;
using Engine.Core.Runtime.Cgroups;

namespace Engine.Core.Tests.Runtime;

/// <summary>
/// The v2 manager on a real cgroup2 file system. This machine keeps its controllers on v1 and mounts a cgroup2
/// tree at /sys/fs/cgroup/unified with none enabled: membership, freezing (core in v2), listing and removal
/// work there without controllers, so the v2 code paths run against the kernel, not only a directory.
/// </summary>
[Trait("Category", "Root")]
public sealed class CgroupV2LiveTests
{
    private const string Unified = "/sys/fs/cgroup/unified";

    [Fact]
    public async Task Creates_moves_freezes_lists_and_removes_on_a_real_cgroup2_tree()
    {
        Assert.True(File.Exists(Path.Combine(Unified, "cgroup.procs")), $"{Unified} is not a cgroup2 mount on this machine");
        var manager = new CgroupV2Manager(Unified);
        var parent = "engine-test-v2-" + Guid.NewGuid().ToString("N")[..8];
        var id = Guid.NewGuid().ToString("N");
        using var sleeper = Process.Start(new ProcessStartInfo("/bin/sleep", "300") { UseShellExecute = false })!;
        try
        {
            manager.Create(parent, id, new ResourceSpec(), allowAllDevices: false);
            Assert.True(manager.Exists(parent, id));
            manager.AddProcess(parent, id, sleeper.Id);
            Assert.Contains($"0::/{parent}/{id}", File.ReadAllText($"/proc/{sleeper.Id}/cgroup"));
            Assert.Equal([sleeper.Id], manager.Pids(parent, id));

            manager.SetFrozen(parent, id, true);
            await WaitAsync(() => manager.IsFrozen(parent, id), "frozen");
            manager.SetFrozen(parent, id, false);
            await WaitAsync(() => !manager.IsFrozen(parent, id), "thawed");

            // Removal kills what is left inside and removes the parent level it leaves empty.
            await manager.RemoveAsync(parent, id);
            Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.False(manager.Exists(parent, id));
            Assert.False(Directory.Exists(Path.Combine(Unified, parent)));
        }
        finally
        {
            if (!sleeper.HasExited)
            {
                sleeper.Kill();
            }
            if (Directory.Exists(Path.Combine(Unified, parent, id)))
            {
                Directory.Delete(Path.Combine(Unified, parent, id));
            }
            if (Directory.Exists(Path.Combine(Unified, parent)))
            {
                Directory.Delete(Path.Combine(Unified, parent));
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"cgroup did not become {what}");
            await Task.Delay(10);
        }
    }
}
