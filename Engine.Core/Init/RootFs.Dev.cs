using Engine.Init.Interop;

namespace Engine.Init;

internal static partial class RootFs
{
    private static readonly string[] StandardDevices = ["null", "zero", "full", "random", "urandom", "tty"];

    private static readonly (string Link, string Target)[] DevLinks =
    [
        ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"), ("core", "/proc/kcore"), ("ptmx", "pts/ptmx"),
    ];

    /// <summary>/dev as a tmpfs: device nodes bound from the host's, devpts (a new instance), shm, mqueue, links.</summary>
    private static void MountDev(string root, bool privileged)
    {
        string dev = SecurePath.Create(root, "/dev", file: false);
        Sys.Mount("tmpfs", dev, "tmpfs", Sys.MS_NOSUID | Sys.MS_STRICTATIME, "mode=755,size=65536k");

        uint oldMask = Sys.Umask(0);
        try
        {
            foreach (var name in StandardDevices)
            {
                BindDevice(dev, name);
            }
            if (privileged)
            {
                BindHostDevices(dev);
            }

            string pts = dev + "/pts";
            Sys.Mkdir(pts, 0b111_101_101);
            Sys.Mount("devpts", pts, "devpts", Sys.MS_NOSUID | Sys.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");

            string shm = dev + "/shm";
            Sys.Mkdir(shm, 0b111_111_111 | 0b1_000_000_000);
            Sys.Mount("shm", shm, "tmpfs", Sys.MS_NOSUID | Sys.MS_NODEV | Sys.MS_NOEXEC, "mode=1777,size=65536k");

            string mqueue = dev + "/mqueue";
            Sys.Mkdir(mqueue, 0b111_101_101);
            Sys.Mount("mqueue", mqueue, "mqueue", Sys.MS_NOSUID | Sys.MS_NODEV | Sys.MS_NOEXEC, null);

            foreach (var (link, target) in DevLinks)
            {
                Sys.Symlink(target, dev + "/" + link);
            }
        }
        finally
        {
            Sys.Umask(oldMask);
        }
    }

    /// <summary>/dev/console of a container with a TTY is its pty's slave (as runc does).</summary>
    public static void BindConsole(string rootFs, int ptyNumber)
    {
        string dev = rootFs.TrimEnd('/') + "/dev";
        Sys.CreateFile(dev + "/console", 0b110_110_110);
        Sys.Mount($"{dev}/pts/{ptyNumber}", dev + "/console", null, Sys.MS_BIND, null);
    }

    private static void BindDevice(string dev, string name)
    {
        string target = dev + "/" + name;
        Sys.CreateFile(target, 0b110_110_110);
        Sys.Mount("/dev/" + name, target, null, Sys.MS_BIND, null);
    }

    /// <summary>Privileged: every other character or block device at the top of the host's /dev.</summary>
    private static void BindHostDevices(string dev)
    {
        foreach (var path in Directory.GetFiles("/dev"))
        {
            string name = Path.GetFileName(path);
            if (Array.IndexOf(StandardDevices, name) >= 0 || name is "ptmx" or "console" or "core" or "fd" or "stdin" or "stdout" or "stderr")
            {
                continue;
            }
            if (Sys.TryStatMode(path, followLinks: false, out uint mode) != 0)
            {
                continue;
            }
            uint type = mode & Sys.S_IFMT;
            if (type is Sys.S_IFCHR or 0x6000 /* S_IFBLK */)
            {
                BindDevice(dev, name);
            }
        }
    }
}
