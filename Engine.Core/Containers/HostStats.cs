using System.Globalization;

namespace Engine.Core.Containers;

/// <summary>What stats reads from /proc: the host's CPU time and memory, a network namespace's counters.</summary>
internal static class HostStats
{
    /// <summary>Nanoseconds of CPU time spent by the host since boot: the sum of /proc/stat's "cpu" line (USER_HZ = 100).</summary>
    public static long SystemCpuUsage(string procRoot = "/proc")
    {
        foreach (var line in File.ReadLines(Path.Combine(procRoot, "stat")))
        {
            if (line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                long ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(7)
                    .Sum(v => long.Parse(v, CultureInfo.InvariantCulture));
                return ticks * 10_000_000;
            }
        }
        return 0;
    }

    /// <summary>MemTotal of /proc/meminfo in bytes (0 when unreadable).</summary>
    public static long MemTotal(string procRoot = "/proc")
    {
        foreach (var line in File.ReadLines(Path.Combine(procRoot, "meminfo")))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    /// <summary>/proc/PID/net/dev: counters of every interface of that process's network namespace but lo.</summary>
    public static Dictionary<string, NetworkStats> Network(int pid, string procRoot = "/proc")
    {
        var result = new Dictionary<string, NetworkStats>(StringComparer.Ordinal);
        string path = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "net", "dev");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return result;
        }
        foreach (var line in lines.Skip(2))
        {
            int colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }
            string name = line[..colon].Trim();
            var v = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            if (name == "lo" || v.Length < 12)
            {
                continue;
            }
            result[name] = new NetworkStats
            {
                RxBytes = v[0], RxPackets = v[1], RxErrors = v[2], RxDropped = v[3],
                TxBytes = v[8], TxPackets = v[9], TxErrors = v[10], TxDropped = v[11],
            };
        }
        return result;
    }
}
