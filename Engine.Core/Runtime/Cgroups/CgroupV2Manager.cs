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
        Directory.CreateDirectory(dir);
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

    public void AddProcess(string parent, string id, int pid)
        => CgroupFiles.Write(Paths(parent, id)[0], "cgroup.procs", Str(pid));

    public Task RemoveAsync(string parent, string id, CancellationToken cancellationToken = default)
        => CgroupFiles.RemoveTreeAsync(Root, CgroupFiles.CheckParent(parent), id, cancellationToken);

    public bool Exists(string parent, string id) => Directory.Exists(Paths(parent, id)[0]);

    public void SetFrozen(string parent, string id, bool frozen)
        => CgroupFiles.Write(Paths(parent, id)[0], "cgroup.freeze", frozen ? "1" : "0");

    public CgroupStats ReadStats(string parent, string id)
    {
        string dir = Paths(parent, id)[0];
        long? limit = CgroupFiles.Read(dir, "memory.max") is { } max && max != "max"
            ? long.Parse(max, CultureInfo.InvariantCulture)
            : null;
        long? cpu = null;
        foreach (var line in (CgroupFiles.Read(dir, "cpu.stat") ?? "").Split('\n'))
        {
            if (line.StartsWith("usage_usec ", StringComparison.Ordinal))
            {
                cpu = long.Parse(line[11..], CultureInfo.InvariantCulture) * 1000;
            }
        }
        return new CgroupStats(CgroupFiles.ReadLong(dir, "memory.current"), limit, cpu);
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
