using System.Formats.Tar;
using System.Text;

namespace Engine.TestKit;

/// <summary>A root file system made of Debian's static busybox (package busybox-static) and its applet links.</summary>
public static class Busybox
{
    /// <summary>/bin/busybox, the static build; throws with the fix when it is missing.</summary>
    public static string BinaryPath
    {
        get
        {
            const string path = "/bin/busybox";
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{path} is missing: install Debian's busybox-static (apt-get install busybox-static).");
            }
            return path;
        }
    }

    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
    private const string Group = "root:x:0:\napp:x:1000:\nextra:x:1001:app\nnogroup:x:65534:\n";

    private static readonly Lazy<string[]> s_applets = new(ListApplets);

    /// <summary>The applets' install paths ("bin/sh", "usr/bin/env"...) as `busybox --list-full` prints them.</summary>
    public static IReadOnlyList<string> Applets => s_applets.Value;

    /// <summary>Fills <paramref name="dir"/>: bin/busybox, applet symlinks, etc/passwd and etc/group, tmp, proc, sys, dev. No etc/hosts.</summary>
    public static void CreateRootFs(string dir)
    {
        foreach (var sub in new[] { "bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "proc", "sys", "dev", "root", "home/app" })
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
        }
        File.SetUnixFileMode(Path.Combine(dir, "tmp"), (UnixFileMode)0x3ff /* 1777 */ );
        File.Copy(BinaryPath, Path.Combine(dir, "bin/busybox"), overwrite: true);
        File.SetUnixFileMode(Path.Combine(dir, "bin/busybox"), (UnixFileMode)0x1ed /* 755 */);
        foreach (var applet in Applets)
        {
            string link = Path.Combine(dir, applet);
            if (applet == "bin/busybox" || File.Exists(link))
            {
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, "/bin/busybox");
        }
        File.WriteAllText(Path.Combine(dir, "etc/passwd"), Passwd);
        File.WriteAllText(Path.Combine(dir, "etc/group"), Group);
    }

    /// <summary>Writes the same root file system as a tar (owner 0:0, applets as symlink entries).</summary>
    public static void WriteRootFsTar(Stream destination)
    {
        using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        var dirs = new SortedSet<string>(StringComparer.Ordinal) { "bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "tmp", "proc", "sys", "dev", "root", "home", "home/app" };
        foreach (var applet in Applets)
        {
            for (string? d = Path.GetDirectoryName(applet); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
            {
                dirs.Add(d);
            }
        }
        foreach (var d in dirs)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d + "/")
            {
                Mode = d == "tmp" ? (UnixFileMode)0x3ff : (UnixFileMode)0x1ed,
                Uid = 0,
                Gid = 0,
            });
        }
        using (var binary = File.OpenRead(BinaryPath))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = (UnixFileMode)0x1ed, Uid = 0, Gid = 0, DataStream = binary });
        }
        foreach (var applet in Applets.Where(a => a != "bin/busybox").Distinct(StringComparer.Ordinal))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, applet) { LinkName = "/bin/busybox", Mode = (UnixFileMode)0x1ff, Uid = 0, Gid = 0 });
        }
        WriteFile(writer, "etc/passwd", Passwd);
        WriteFile(writer, "etc/group", Group);
    }

    private static void WriteFile(TarWriter writer, string name, string content)
    {
        using var data = new MemoryStream(Encoding.UTF8.GetBytes(content));
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x1a4, Uid = 0, Gid = 0, DataStream = data });
    }

    private static string[] ListApplets()
    {
        // `busybox --list-full` prints install paths (bin/sh, usr/bin/env...). Run through libc's system(3), which
        // waits for its own child only (System.Diagnostics.Process is kept out of the engine's processes).
        string list = Path.Combine(Path.GetTempPath(), $"busybox-applets-{Guid.NewGuid():N}");
        try
        {
            int status = NativeMethods.system($"{BinaryPath} --list-full > {list}");
            if (status != 0 || !File.Exists(list))
            {
                throw new InvalidOperationException($"{BinaryPath} --list-full failed (status {status})");
            }
            return File.ReadAllLines(list)
                .Select(a => a.Trim())
                .Where(a => a.Length > 0 && !a.Contains("..", StringComparison.Ordinal) && !a.StartsWith('/'))
                .ToArray();
        }
        finally
        {
            File.Delete(list);
        }
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", CharSet = System.Runtime.InteropServices.CharSet.Ansi)]
        public static extern int system(string command);
    }
}
