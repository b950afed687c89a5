using Engine.Core.Runtime;
using Engine.Core.Runtime.Cgroups;
using Engine.TestKit;

namespace Engine.Core.Tests.Runtime;

/// <summary>The cgroup managers against a temporary directory: no root needed.</summary>
public sealed class CgroupManagerTests : IDisposable
{
    private readonly string _root = TestPaths.NewTempDir("cgroups");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task V1CreatesAppliesAndRemoves()
    {
        foreach (var h in new[] { "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "unified" })
        {
            Directory.CreateDirectory(Path.Combine(_root, h));
        }
        File.WriteAllText(Path.Combine(_root, "cpuset", "cpuset.cpus"), "0-1");
        File.WriteAllText(Path.Combine(_root, "cpuset", "cpuset.mems"), "0");
        var manager = new CgroupV1Manager(_root);
        Assert.DoesNotContain("unified", manager.Hierarchies.Keys);
        manager.Create("engine/sub", "c1", new ResourceSpec { Memory = 1 << 20, CpuShares = 512, CpuQuota = 50000, CpuPeriod = 100000 }, allowAllDevices: false);
        string Read(string h, string f) => File.ReadAllText(Path.Combine(_root, h, "engine/sub/c1", f));
        Assert.Equal("1048576", Read("memory", "memory.limit_in_bytes"));
        Assert.Equal("2097152", Read("memory", "memory.memsw.limit_in_bytes"));
        Assert.Equal("512", Read("cpu", "cpu.shares"));
        Assert.Equal("50000", Read("cpu", "cpu.cfs_quota_us"));
        Assert.Equal("0-1", Read("cpuset", "cpuset.cpus"));
        Assert.Equal("0-1", File.ReadAllText(Path.Combine(_root, "cpuset", "engine", "cpuset.cpus")));
        Assert.Equal("0", Read("cpuset", "cpuset.mems"));
        manager.AddProcess("engine/sub", "c1", 42);
        Assert.Equal("42", Read("pids", "cgroup.procs"));
        manager.SetFrozen("engine/sub", "c1", true);
        Assert.Equal("FROZEN", Read("freezer", "freezer.state"));
        Assert.True(manager.Exists("engine/sub", "c1"));
        await manager.RemoveAsync("engine/sub", "c1");
        Assert.False(manager.Exists("engine/sub", "c1"));
        Assert.False(Directory.Exists(Path.Combine(_root, "memory", "engine")));
        await manager.RemoveAsync("engine/sub", "c1");
    }

    [Fact]
    public async Task V2EnablesControllersAndApplies()
    {
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids");
        var manager = new CgroupV2Manager(_root);
        manager.Create("engine", "c2", new ResourceSpec { Memory = 1 << 20, MemorySwap = 3 << 20, CpuShares = 1024, CpuQuota = 50000, CpusetCpus = "0" }, allowAllDevices: false);
        string dir = Path.Combine(_root, "engine", "c2");
        Assert.Equal("+cpuset +cpu +io +memory +pids", File.ReadAllText(Path.Combine(_root, "cgroup.subtree_control")));
        Assert.Equal("1048576", File.ReadAllText(Path.Combine(dir, "memory.max")));
        Assert.Equal("2097152", File.ReadAllText(Path.Combine(dir, "memory.swap.max")));
        Assert.Equal("39", File.ReadAllText(Path.Combine(dir, "cpu.weight")));
        Assert.Equal("50000 100000", File.ReadAllText(Path.Combine(dir, "cpu.max")));
        Assert.Equal("0", File.ReadAllText(Path.Combine(dir, "cpuset.cpus")));
        manager.SetFrozen("engine", "c2", true);
        Assert.Equal("1", File.ReadAllText(Path.Combine(dir, "cgroup.freeze")));
        await manager.RemoveAsync("engine", "c2");
        Assert.False(Directory.Exists(Path.Combine(_root, "engine")));
    }

    [Fact]
    public void DetectsUnifiedOnlyWhenTheRootIsCgroup2()
    {
        string[] hybrid =
        [
            "30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "31 30 0:27 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "40 30 0:35 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
        ];
        string[] unified = ["30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate"];
        Assert.False(CgroupManagerFactory.IsUnified(hybrid, "/sys/fs/cgroup"));
        Assert.True(CgroupManagerFactory.IsUnified(unified, "/sys/fs/cgroup"));
    }

    [Fact]
    public void RejectsEscapingParents()
    {
        var manager = new CgroupV2Manager(_root);
        Assert.Throws<Engine.Storage.Errors.EngineException>(() => manager.Create("../x", "c", new ResourceSpec(), false));
    }

    [Fact]
    public void CapabilitiesFollowDocker()
    {
        var defaults = Capabilities.Compute(false, [], [], 40);
        Assert.Equal(14, defaults.Count);
        Assert.Contains("CAP_NET_RAW", defaults);
        var tweaked = Capabilities.Compute(false, ["NET_ADMIN"], ["cap_chown"], 40);
        Assert.Contains("CAP_NET_ADMIN", tweaked);
        Assert.DoesNotContain("CAP_CHOWN", tweaked);
        Assert.Equal(["CAP_KILL"], Capabilities.Compute(false, ["KILL"], ["ALL"], 40));
        Assert.Equal(41, Capabilities.Compute(false, ["ALL"], [], 40).Count);
        Assert.Equal(38, Capabilities.Compute(true, [], [], 37).Count);
        Assert.Throws<Engine.Storage.Errors.EngineException>(() => Capabilities.Compute(false, ["NOPE"], [], 40));
    }
}
