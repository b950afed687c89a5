using Engine.Storage.Errors;

namespace Engine.Core.Runtime;

/// <summary>Docker's capability rules: a default set, CapAdd/CapDrop (with "ALL"), Privileged = every capability the kernel has.</summary>
internal static class Capabilities
{
    /// <summary>All capabilities by number (CAP_CHOWN = 0 ...).</summary>
    public static readonly string[] All =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    /// <summary>Docker's default set.</summary>
    public static readonly string[] Default =
    [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP",
        "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ];

    /// <summary>The capabilities (CAP_ names) the process keeps, limited to those the running kernel knows.</summary>
    public static List<string> Compute(bool privileged, IReadOnlyList<string> capAdd, IReadOnlyList<string> capDrop, int lastCap)
    {
        var known = All.Take(Math.Min(lastCap + 1, All.Length)).ToList();
        if (privileged)
        {
            return known.Select(c => "CAP_" + c).ToList();
        }
        var add = capAdd.Select(c => Normalize(c, "add")).ToList();
        var drop = capDrop.Select(c => Normalize(c, "drop")).ToList();
        // Docker 1.7's TweakCapabilities: the basis (all with add ALL), minus drops unless drop ALL, plus each add.
        var basis = add.Contains("ALL") ? known : Default.ToList();
        var result = drop.Contains("ALL") ? new List<string>() : basis.Where(c => !drop.Contains(c)).ToList();
        foreach (var cap in add)
        {
            if (cap != "ALL" && !result.Contains(cap))
            {
                result.Add(cap);
            }
        }
        return result.Where(known.Contains).Select(c => "CAP_" + c).ToList();
    }

    /// <summary>The last capability number of the running kernel.</summary>
    public static int KernelLastCap()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return All.Length - 1;
        }
    }

    private static string Normalize(string cap, string what)
    {
        string name = cap.Trim().ToUpperInvariant();
        if (name.StartsWith("CAP_", StringComparison.Ordinal))
        {
            name = name[4..];
        }
        if (name != "ALL" && !All.Contains(name))
        {
            throw EngineException.Invalid($"Unknown capability to {what}: \"{cap}\"");
        }
        return name;
    }
}
