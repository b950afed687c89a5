using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>Capability names (CAP_CHOWN...) to numbers, and applying a set to the calling thread.</summary>
internal static class Capabilities
{
    private static readonly string[] Names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    /// <summary>The mask of <paramref name="names"/> ("CAP_X" or "X", any case, or "ALL"); unknown names fail.</summary>
    public static ulong Parse(IEnumerable<string> names)
    {
        ulong mask = 0;
        foreach (var name in names)
        {
            if (name.Equals("ALL", StringComparison.OrdinalIgnoreCase))
            {
                mask |= (1UL << Names.Length) - 1;
                continue;
            }
            string bare = name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? name[4..] : name;
            int index = Array.FindIndex(Names, n => n.Equals(bare, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw new InitException($"unknown capability {name}");
            }
            mask |= 1UL << index;
        }
        return mask;
    }

    /// <summary>The highest capability this kernel knows (/proc/sys/kernel/cap_last_cap).</summary>
    public static int LastCap()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return Names.Length - 1;
        }
    }

    /// <summary>Drops from the bounding set every capability not in <paramref name="mask"/> (needs CAP_SETPCAP: call as root).</summary>
    public static void DropBounding(ulong mask, int lastCap)
    {
        for (int cap = 0; cap <= lastCap; cap++)
        {
            if ((mask & (1UL << cap)) == 0)
            {
                Sys.DropBoundingCapability(cap, cap < Names.Length ? "CAP_" + Names[cap] : cap.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
