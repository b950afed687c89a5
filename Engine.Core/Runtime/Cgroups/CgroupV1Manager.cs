using System.Globalization;

namespace Engine.Core.Runtime.Cgroups;

/// <summary>
/// cgroup v1: one directory per hierarchy mounted under the root (/sys/fs/cgroup/{cpu,memory,...}); a
/// container's cgroup is &lt;hierarchy&gt;/&lt;parent&gt;/&lt;id&gt; in each. Hierarchies mounted together
/// (cpu,cpuacct with cpu and cpuacct as symlinks) are used once. The cgroup2 mount of hybrid mode
/// (root/unified) is left alone.
/// </summary>
public sealed class CgroupV1Manager : ICgroupManager
{
    private readonly Dictionary<string, string> _hierarchies;

    /// <param name="root">Where the hierarchies are mounted: /sys/fs/cgroup, or a temporary directory in tests.</param>
    public CgroupV1Manager(string root = "/sys/fs/cgroup")
    {
        Root = root;
        _hierarchies = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            if (name == "unified" || File.Exists(Path.Combine(dir, "cgroup.controllers")))
            {
                continue;
            }
            var info = new DirectoryInfo(dir);
            string real = info.LinkTarget is null ? dir : info.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
            if (seen.Add(real))
            {
                _hierarchies[name] = real;
            }
            else
            {
                // A symlink to a co-mounted hierarchy: reachable under its own name too.
                _hierarchies.TryAdd(name, real);
            }
        }
    }

    public string Root { get; }

    public string Version => "v1";

    /// <summary>Hierarchy name -> directory (co-mounted ones share a directory).</summary>
    public IReadOnlyDictionary<string, string> Hierarchies => _hierarchies;

    private IEnumerable<string> Distinct => _hierarchies.Values.Distinct(StringComparer.Ordinal);

    private string? Dir(string controller, string parent, string id)
        => _hierarchies.TryGetValue(controller, out var h) ? Path.Combine(h, parent, id) : null;

    public IReadOnlyList<string> Paths(string parent, string id)
    {
        parent = CgroupFiles.CheckParent(parent);
        return Distinct.Select(h => Path.Combine(h, parent, id)).ToList();
    }

    public void Create(string parent, string id, ResourceSpec resources, bool allowAllDevices)
    {
        parent = CgroupFiles.CheckParent(parent);
        foreach (var hierarchy in Distinct)
        {
            CgroupFiles.CreateDirectory(Path.Combine(hierarchy, parent, id));
        }
        if (_hierarchies.TryGetValue("cpuset", out var cpuset))
        {
            PrepareCpuset(cpuset, parent, id);
        }
        Apply(parent, id, resources, allowAllDevices);
    }

    /// <summary>A new cpuset cgroup starts with empty cpus and mems and takes no tasks: copy them down from the parent.</summary>
    private static void PrepareCpuset(string hierarchy, string parent, string id)
    {
        string current = hierarchy;
        foreach (var level in parent.Split('/').Append(id))
        {
            string next = Path.Combine(current, level);
            foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
            {
                if (string.IsNullOrEmpty(CgroupFiles.Read(next, file)))
                {
                    string? value = CgroupFiles.Read(current, file);
                    if (!string.IsNullOrEmpty(value))
                    {
                        CgroupFiles.Write(next, file, value);
                    }
                }
            }
            current = next;
        }
    }

    private void Apply(string parent, string id, ResourceSpec r, bool allowAllDevices)
    {
        if (Dir("memory", parent, id) is { } memory)
        {
            if (r.Memory > 0)
            {
                CgroupFiles.Write(memory, "memory.limit_in_bytes", Str(r.Memory));
            }
            long swap = r.MemorySwap switch
            {
                > 0 => r.MemorySwap,
                0 when r.Memory > 0 => r.Memory * 2,
                _ => 0,
            };
            if (r.Memory > 0 && swap > 0 && (File.Exists(Path.Combine(memory, "memory.memsw.limit_in_bytes")) || !CgroupFiles.IsCgroupFs(memory)))
            {
                CgroupFiles.Write(memory, "memory.memsw.limit_in_bytes", Str(swap));
            }
        }
        if (Dir("cpu", parent, id) is { } cpu)
        {
            if (r.CpuShares > 0)
            {
                CgroupFiles.Write(cpu, "cpu.shares", Str(r.CpuShares));
            }
            if (r.CpuPeriod > 0)
            {
                CgroupFiles.Write(cpu, "cpu.cfs_period_us", Str(r.CpuPeriod));
            }
            if (r.CpuQuota > 0)
            {
                CgroupFiles.Write(cpu, "cpu.cfs_quota_us", Str(r.CpuQuota));
            }
        }
        if (Dir("cpuset", parent, id) is { } cpuset)
        {
            if (r.CpusetCpus.Length > 0)
            {
                CgroupFiles.Write(cpuset, "cpuset.cpus", r.CpusetCpus);
            }
            if (r.CpusetMems.Length > 0)
            {
                CgroupFiles.Write(cpuset, "cpuset.mems", r.CpusetMems);
            }
        }
        if (r.BlkioWeight > 0 && Dir("blkio", parent, id) is { } blkio)
        {
            if (CgroupFiles.IsCgroupFs(blkio) && !File.Exists(Path.Combine(blkio, "blkio.weight")))
            {
                throw Engine.Storage.Errors.EngineException.Invalid("Your kernel does not support Block I/O weight. Weight discarded.");
            }
            CgroupFiles.Write(blkio, "blkio.weight", Str(r.BlkioWeight));
        }
        if (!allowAllDevices && Dir("devices", parent, id) is { } devices)
        {
            CgroupFiles.Write(devices, "devices.deny", "a");
            foreach (var rule in CgroupFiles.DefaultAllowedDevices.Concat(r.AllowedDevices))
            {
                CgroupFiles.Write(devices, "devices.allow", rule);
            }
        }
    }

    public void AddProcess(string parent, string id, int pid)
    {
        parent = CgroupFiles.CheckParent(parent);
        foreach (var hierarchy in Distinct)
        {
            CgroupFiles.Write(Path.Combine(hierarchy, parent, id), "cgroup.procs", Str(pid));
        }
    }

    public bool JoinCurrentThread(string parent, string id)
    {
        parent = CgroupFiles.CheckParent(parent);
        foreach (var hierarchy in Distinct)
        {
            CgroupFiles.Write(Path.Combine(hierarchy, parent, id), "tasks", "0");
        }
        return true;
    }

    public async Task RemoveAsync(string parent, string id, CancellationToken cancellationToken = default)
    {
        parent = CgroupFiles.CheckParent(parent);
        foreach (var hierarchy in Distinct)
        {
            await CgroupFiles.RemoveTreeAsync(hierarchy, parent, id, cancellationToken).ConfigureAwait(false);
        }
    }

    public bool Exists(string parent, string id) => Paths(parent, id).Any(Directory.Exists);

    public void SetFrozen(string parent, string id, bool frozen)
    {
        parent = CgroupFiles.CheckParent(parent);
        var dir = Dir("freezer", parent, id) ?? throw Engine.Storage.Errors.EngineException.Invalid("the freezer cgroup is not mounted");
        CgroupFiles.Write(dir, "freezer.state", frozen ? "FROZEN" : "THAWED");
    }

    public bool IsFrozen(string parent, string id)
    {
        parent = CgroupFiles.CheckParent(parent);
        return Dir("freezer", parent, id) is { } dir && CgroupFiles.Read(dir, "freezer.state") == "FROZEN";
    }

    public IReadOnlyList<int> Pids(string parent, string id)
    {
        parent = CgroupFiles.CheckParent(parent);
        // Every process is placed in every hierarchy: any one lists them all.
        foreach (var dir in Distinct.Select(h => Path.Combine(h, parent, id)))
        {
            if (File.Exists(Path.Combine(dir, "cgroup.procs")))
            {
                return CgroupFiles.ReadPids(dir);
            }
        }
        return [];
    }

    public CgroupStats ReadStats(string parent, string id)
    {
        parent = CgroupFiles.CheckParent(parent);
        var memory = Dir("memory", parent, id);
        var cpuacct = Dir("cpuacct", parent, id);
        var cpu = Dir("cpu", parent, id);
        var blkio = Dir("blkio", parent, id);
        var pids = Dir("pids", parent, id);
        // cpuacct.stat counts USER_HZ ticks (100 per second on Linux).
        var ticks = cpuacct is null ? [] : CgroupFiles.ReadKeyValues(cpuacct, "cpuacct.stat");
        var throttling = cpu is null ? [] : CgroupFiles.ReadKeyValues(cpu, "cpu.stat");
        return new CgroupStats(
            memory is null ? null : CgroupFiles.ReadLong(memory, "memory.usage_in_bytes"),
            memory is null ? null : CgroupFiles.ReadLong(memory, "memory.limit_in_bytes"),
            cpuacct is null ? null : CgroupFiles.ReadLong(cpuacct, "cpuacct.usage"))
        {
            PerCpuUsageNanoseconds = cpuacct is null ? [] : (CgroupFiles.Read(cpuacct, "cpuacct.usage_percpu") ?? "")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList(),
            UserNanoseconds = ticks.GetValueOrDefault("user") * 10_000_000,
            SystemNanoseconds = ticks.GetValueOrDefault("system") * 10_000_000,
            ThrottlingPeriods = throttling.GetValueOrDefault("nr_periods"),
            ThrottledPeriods = throttling.GetValueOrDefault("nr_throttled"),
            ThrottledTimeNanoseconds = throttling.GetValueOrDefault("throttled_time"),
            MemoryMaxUsage = memory is null ? null : CgroupFiles.ReadLong(memory, "memory.max_usage_in_bytes"),
            MemoryFailCount = memory is null ? 0 : CgroupFiles.ReadLong(memory, "memory.failcnt") ?? 0,
            MemoryStat = memory is null ? new Dictionary<string, long>() : CgroupFiles.ReadKeyValues(memory, "memory.stat"),
            IoServiceBytes = blkio is null ? [] : ReadBlkio(blkio, "blkio.throttle.io_service_bytes"),
            IoServiced = blkio is null ? [] : ReadBlkio(blkio, "blkio.throttle.io_serviced"),
            PidsCurrent = pids is null ? null : CgroupFiles.ReadLong(pids, "pids.current"),
        };
    }

    /// <summary>"8:0 Read 4096" lines; the trailing "Total N" line is left out.</summary>
    private static List<BlkioEntry> ReadBlkio(string dir, string file)
    {
        var entries = new List<BlkioEntry>();
        foreach (var line in (CgroupFiles.Read(dir, file) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3)
            {
                continue;
            }
            var device = parts[0].Split(':');
            if (device.Length == 2
                && long.TryParse(device[0], CultureInfo.InvariantCulture, out long major)
                && long.TryParse(device[1], CultureInfo.InvariantCulture, out long minor)
                && long.TryParse(parts[2], CultureInfo.InvariantCulture, out long value))
            {
                entries.Add(new BlkioEntry(major, minor, parts[1], value));
            }
        }
        return entries;
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
