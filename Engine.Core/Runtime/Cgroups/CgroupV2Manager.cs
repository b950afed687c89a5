using System.Globalization;

namespace Engine.Core.Runtime.Cgroups;

/// <summary>
/// cgroup v2 (unified): a container's cgroup is &lt;root&gt;/&lt;parent&gt;/&lt;id&gt;; the controllers it needs
/// are enabled in cgroup.subtree_control of every level above it.
/// </summary>
public sealed class CgroupV2Manager : ICgroupManager
{
    private static readonly string[] Wanted = ["cpuset", "cpu", "io", "memory", "pids"];

    /// <param name="root">The cgroup2 mount: /sys/fs/cgroup, or a temporary directory in tests.</param>
    public CgroupV2Manager(string root = "/sys/fs/cgroup") => Root = root;

    public string Root { get; }

    public string Version => "v2";

    public IReadOnlyList<string> Paths(string parent, string id) => [Path.Combine(Root, CgroupFiles.CheckParent(parent), id)];

    public void Create(string parent, string id, ResourceSpec resources, bool allowAllDevices)
    {
        parent = CgroupFiles.CheckParent(parent);
        string dir = Path.Combine(Root, parent, id);
        CgroupFiles.CreateDirectory(dir);
        // Enable the controllers down to the container's level (a leaf's own subtree_control stays empty:
        // no internal processes).
        string current = Root;
        foreach (var level in parent.Split('/').Append(id))
        {
            var available = (CgroupFiles.Read(current, "cgroup.controllers") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var enable = Wanted.Where(available.Contains).Select(c => "+" + c).ToList();
            if (enable.Count > 0)
            {
                CgroupFiles.Write(current, "cgroup.subtree_control", string.Join(' ', enable));
            }
            current = Path.Combine(current, level);
        }
        Apply(dir, resources);
    }

    private static void Apply(string dir, ResourceSpec r)
    {
        if (r.Memory > 0)
        {
            CgroupFiles.Write(dir, "memory.max", Str(r.Memory));
            long swap = r.MemorySwap switch
            {
                > 0 => r.MemorySwap - r.Memory,
                0 => r.Memory,
                _ => -1,
            };
            if (swap >= 0 && (File.Exists(Path.Combine(dir, "memory.swap.max")) || !CgroupFiles.IsCgroupFs(dir)))
            {
                CgroupFiles.Write(dir, "memory.swap.max", Str(swap));
            }
        }
        if (r.CpuShares > 0)
        {
            // The conversion runc uses: shares 2..262144 onto weight 1..10000.
            long weight = 1 + ((Math.Clamp(r.CpuShares, 2, 262144) - 2) * 9999 / 262142);
            CgroupFiles.Write(dir, "cpu.weight", Str(weight));
        }
        if (r.CpuQuota > 0 || r.CpuPeriod > 0)
        {
            string quota = r.CpuQuota > 0 ? Str(r.CpuQuota) : "max";
            string period = r.CpuPeriod > 0 ? Str(r.CpuPeriod) : "100000";
            CgroupFiles.Write(dir, "cpu.max", $"{quota} {period}");
        }
        if (r.CpusetCpus.Length > 0)
        {
            CgroupFiles.Write(dir, "cpuset.cpus", r.CpusetCpus);
        }
        if (r.CpusetMems.Length > 0)
        {
            CgroupFiles.Write(dir, "cpuset.mems", r.CpusetMems);
        }
        if (r.BlkioWeight > 0)
        {
            // blkio.weight 10..1000 onto io.weight 1..10000.
            long weight = 1 + ((Math.Clamp(r.BlkioWeight, 10, 1000) - 10) * 9999 / 990);
            CgroupFiles.Write(dir, "io.weight", $"default {Str(weight)}");
        }
    }

    /// <summary>v2 moves threads only inside a threaded subtree: the process is moved with AddProcess.</summary>
    public bool JoinCurrentThread(string parent, string id) => false;

    public void AddProcess(string parent, string id, int pid)
        => CgroupFiles.Write(Paths(parent, id)[0], "cgroup.procs", Str(pid));

    public Task RemoveAsync(string parent, string id, CancellationToken cancellationToken = default)
        => CgroupFiles.RemoveTreeAsync(Root, CgroupFiles.CheckParent(parent), id, cancellationToken);

    public bool Exists(string parent, string id) => Directory.Exists(Paths(parent, id)[0]);

    public void SetFrozen(string parent, string id, bool frozen)
        => CgroupFiles.Write(Paths(parent, id)[0], "cgroup.freeze", frozen ? "1" : "0");

    public bool IsFrozen(string parent, string id)
        => (CgroupFiles.Read(Paths(parent, id)[0], "cgroup.events") ?? "").Split('\n').Contains("frozen 1")
            // A plain directory (unit tests) has no cgroup.events: what was written is the state.
            || (!CgroupFiles.IsCgroupFs(Paths(parent, id)[0]) && CgroupFiles.Read(Paths(parent, id)[0], "cgroup.freeze") == "1");

    public IReadOnlyList<int> Pids(string parent, string id) => CgroupFiles.ReadPids(Paths(parent, id)[0]);

    public CgroupStats ReadStats(string parent, string id)
    {
        string dir = Paths(parent, id)[0];
        long? limit = CgroupFiles.Read(dir, "memory.max") is { } max && max != "max"
            ? long.Parse(max, CultureInfo.InvariantCulture)
            : null;
        var cpu = CgroupFiles.ReadKeyValues(dir, "cpu.stat");
        var events = CgroupFiles.ReadKeyValues(dir, "memory.events");
        return new CgroupStats(CgroupFiles.ReadLong(dir, "memory.current"), limit, cpu.TryGetValue("usage_usec", out var usage) ? usage * 1000 : null)
        {
            UserNanoseconds = cpu.GetValueOrDefault("user_usec") * 1000,
            SystemNanoseconds = cpu.GetValueOrDefault("system_usec") * 1000,
            ThrottlingPeriods = cpu.GetValueOrDefault("nr_periods"),
            ThrottledPeriods = cpu.GetValueOrDefault("nr_throttled"),
            ThrottledTimeNanoseconds = cpu.GetValueOrDefault("throttled_usec") * 1000,
            MemoryMaxUsage = CgroupFiles.ReadLong(dir, "memory.peak"),
            MemoryFailCount = events.GetValueOrDefault("max"),
            MemoryStat = CgroupFiles.ReadKeyValues(dir, "memory.stat"),
            IoServiceBytes = ReadIo(dir, ("rbytes", "Read"), ("wbytes", "Write")),
            IoServiced = ReadIo(dir, ("rios", "Read"), ("wios", "Write")),
            PidsCurrent = CgroupFiles.ReadLong(dir, "pids.current"),
        };
    }

    /// <summary>io.stat lines ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 ...") as blkio entries of the given keys.</summary>
    private static List<BlkioEntry> ReadIo(string dir, params (string Key, string Op)[] keys)
    {
        var entries = new List<BlkioEntry>();
        foreach (var line in (CgroupFiles.Read(dir, "io.stat") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var device = parts[0].Split(':');
            if (device.Length != 2
                || !long.TryParse(device[0], CultureInfo.InvariantCulture, out long major)
                || !long.TryParse(device[1], CultureInfo.InvariantCulture, out long minor))
            {
                continue;
            }
            foreach (var (key, op) in keys)
            {
                var field = parts.FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.Ordinal));
                if (field is not null && long.TryParse(field.AsSpan(key.Length + 1), CultureInfo.InvariantCulture, out long value))
                {
                    entries.Add(new BlkioEntry(major, minor, op, value));
                }
            }
        }
        return entries;
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
