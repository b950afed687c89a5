namespace Engine.Core.Runtime.Cgroups;

/// <summary>Picks the cgroup manager for what the host really has.</summary>
public static class CgroupManagerFactory
{
    /// <summary>
    /// v2 only in unified mode (the root itself is a cgroup2 mount). Hybrid hosts mount a cgroup2 at root/unified
    /// that offers (almost) no controllers, next to v1 hierarchies: v1 is used there.
    /// </summary>
    public static ICgroupManager Create(string root = "/sys/fs/cgroup", string mountInfoPath = "/proc/self/mountinfo")
        => IsUnified(File.ReadAllLines(mountInfoPath), root) ? new CgroupV2Manager(root) : new CgroupV1Manager(root);

    /// <summary>True when <paramref name="root"/> is a cgroup2 mount according to mountinfo lines.</summary>
    public static bool IsUnified(IEnumerable<string> mountInfo, string root)
    {
        string wanted = root.TrimEnd('/');
        bool unified = false;
        foreach (var line in mountInfo)
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            var fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || dash < 0 || dash + 1 >= fields.Length)
            {
                continue;
            }
            if (fields[4] == wanted)
            {
                // The last mount on a point is the one seen there.
                unified = fields[dash + 1] == "cgroup2";
            }
        }
        return unified;
    }
}
