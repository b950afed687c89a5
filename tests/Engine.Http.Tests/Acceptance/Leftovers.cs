namespace Engine.Http.Tests.Acceptance;

/// <summary>What a stopped engine must not leave behind: mounts, cgroups, processes.</summary>
public static class Leftovers
{
    /// <summary>Mount points at or under <paramref name="dataRoot"/> in this (the host's) mount namespace.</summary>
    public static IReadOnlyList<string> MountsUnder(string dataRoot) =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4])
            .Where(mountPoint => mountPoint == dataRoot || mountPoint.StartsWith(dataRoot + "/", StringComparison.Ordinal))
            .ToList();

    /// <summary>Cgroup directories named after one of <paramref name="ids"/> under /sys/fs/cgroup/*/engine*.</summary>
    public static IReadOnlyList<string> CgroupsOf(IReadOnlyCollection<string> ids)
    {
        var found = new List<string>();
        if (ids.Count == 0 || !Directory.Exists("/sys/fs/cgroup"))
        {
            return found;
        }
        var parents = Directory.EnumerateDirectories("/sys/fs/cgroup")
            .SelectMany(hierarchy => SafeDirectories(hierarchy, "engine*"))
            .Concat(SafeDirectories("/sys/fs/cgroup", "engine*"));
        foreach (var parent in parents)
        {
            foreach (var dir in SafeDirectories(parent, "*"))
            {
                if (ids.Any(id => Path.GetFileName(dir).Contains(id, StringComparison.Ordinal)))
                {
                    found.Add(dir);
                }
            }
        }
        return found;
    }

    /// <summary>Processes whose /proc/(pid)/cgroup names one of <paramref name="ids"/>.</summary>
    public static IReadOnlyList<string> ProcessesOf(IReadOnlyCollection<string> ids)
    {
        var found = new List<string>();
        if (ids.Count == 0)
        {
            return found;
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!name.All(char.IsAsciiDigit))
            {
                continue;
            }
            string cgroup;
            try
            {
                cgroup = File.ReadAllText(Path.Combine(dir, "cgroup"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (ids.Any(id => cgroup.Contains(id, StringComparison.Ordinal)))
            {
                found.Add($"{name} ({ReadComm(dir)})");
            }
        }
        return found;
    }

    public static void AssertNone(string dataRoot, IReadOnlyCollection<string> containerIds)
    {
        var mounts = MountsUnder(dataRoot);
        Assert.True(mounts.Count == 0, "mounts left under the data root:\n" + string.Join('\n', mounts));
        var cgroups = CgroupsOf(containerIds);
        Assert.True(cgroups.Count == 0, "cgroups left:\n" + string.Join('\n', cgroups));
        var processes = ProcessesOf(containerIds);
        Assert.True(processes.Count == 0, "container processes left:\n" + string.Join('\n', processes));
    }

    private static IEnumerable<string> SafeDirectories(string dir, string pattern)
    {
        try
        {
            return Directory.GetDirectories(dir, pattern);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string ReadComm(string procDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDir, "comm")).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }
}
