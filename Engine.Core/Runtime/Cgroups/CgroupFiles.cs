using Engine.Core.Interop;
using Native = Engine.Core.Interop.Interop;

namespace Engine.Core.Runtime.Cgroups;

/// <summary>Shared file handling of both cgroup managers.</summary>
internal static class CgroupFiles
{
    /// <summary>Docker's default device allow-list (v1 devices.allow lines).</summary>
    public static readonly string[] DefaultAllowedDevices =
    [
        "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
        "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
    ];

    /// <summary>Writes a control file (O_CREAT|O_TRUNC: harmless on cgroupfs, needed in a plain directory in tests).</summary>
    public static void Write(string dir, string file, string value) => Native.WriteControlFile(Path.Combine(dir, file), value, create: true);

    public static string? Read(string dir, string file)
    {
        string path = Path.Combine(dir, file);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    public static long? ReadLong(string dir, string file)
        => long.TryParse(Read(dir, file), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long v) ? v : null;

    /// <summary>"name value" lines (memory.stat, cpu.stat, cpuacct.stat) as a dictionary; empty when absent.</summary>
    public static Dictionary<string, long> ReadKeyValues(string dir, string file)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (Read(dir, file) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && long.TryParse(parts[1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long v))
            {
                result[parts[0]] = v;
            }
        }
        return result;
    }

    /// <summary>The pids listed in cgroup.procs of a directory; empty when absent.</summary>
    public static List<int> ReadPids(string dir)
    {
        var pids = new List<int>();
        foreach (var line in (Read(dir, "cgroup.procs") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0)
            {
                pids.Add(pid);
            }
        }
        return pids;
    }

    /// <summary>Cgroup control files always exist; in a plain directory (unit tests) they are created on write.</summary>
    public static bool IsCgroupFs(string dir) => File.Exists(Path.Combine(dir, "cgroup.procs"));

    /// <summary>
    /// rmdir with retries while the kernel still counts tasks (EBUSY). A plain directory (unit tests) holds the
    /// control files written into it (ENOTEMPTY): those are removed first. Returns false if it would not go.
    /// </summary>
    public static async Task<bool> RemoveAsync(string dir, bool retryBusy, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            int errno = Native.RemoveDirectory(dir);
            if (errno == 0 || errno == Native.ENOENT)
            {
                return true;
            }
            if (errno == 39 /* ENOTEMPTY */)
            {
                if (Directory.EnumerateDirectories(dir).Any())
                {
                    return false;
                }
                foreach (var file in Directory.EnumerateFiles(dir))
                {
                    File.Delete(file);
                }
                continue;
            }
            if (errno == Native.EBUSY && retryBusy && attempt < 200)
            {
                // Processes left behind (an engine that died without stopping its containers) are killed.
                KillAll(dir);
                // The container's last processes are still being torn down by the kernel.
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (errno == Native.EBUSY)
            {
                return false;
            }
            throw new SyscallException(errno, "rmdir", dir);
        }
    }

    /// <summary>
    /// mkdir -p of a container's cgroup. Another engine sharing the parent may remove the parent level
    /// (left empty by its last container) between our checks: then the creation is tried again.
    /// </summary>
    public static void CreateDirectory(string dir)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(dir);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < 20)
            {
            }
        }
    }

    /// <summary>SIGKILL to every process in the cgroup.</summary>
    public static void KillAll(string dir)
    {
        var procs = Read(dir, "cgroup.procs");
        if (string.IsNullOrEmpty(procs))
        {
            return;
        }
        foreach (var line in procs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0)
            {
                Native.Kill(pid, 9);
            }
        }
    }

    /// <summary>Removes the container directory, then the levels of the parent path that are left empty.</summary>
    public static async Task RemoveTreeAsync(string hierarchy, string parent, string id, CancellationToken cancellationToken)
    {
        string dir = Path.Combine(hierarchy, parent, id);
        if (!await RemoveAsync(dir, retryBusy: true, cancellationToken).ConfigureAwait(false))
        {
            throw new SyscallException(Native.EBUSY, "rmdir", dir);
        }
        string[] levels = parent.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = levels.Length; i > 0; i--)
        {
            string level = Path.Combine(hierarchy, string.Join('/', levels.Take(i)));
            if (!Directory.Exists(level) || !await RemoveAsync(level, retryBusy: false, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }
    }

    /// <summary>Validates a parent path: relative, no "..".</summary>
    public static string CheckParent(string parent)
    {
        string trimmed = parent.Trim('/');
        if (trimmed.Length == 0 || trimmed.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw Engine.Storage.Errors.EngineException.Invalid($"invalid cgroup parent \"{parent}\"");
        }
        return trimmed;
    }
}
