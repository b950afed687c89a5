using Engine.Core.Runtime;
using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>Container mode: the root file system, its standard mounts, the spec's mounts, pivot_root and hardening.</summary>
internal static partial class RootFs
{
    private static readonly string[] MaskedPaths =
    [
        "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
    ];

    private static readonly string[] ReadonlyPaths =
    [
        "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    /// <summary>Steps before the pty and pivot_root: propagation, the root bind, /proc, /sys, /dev and the spec's mounts.</summary>
    public static void Mount(InitSpec spec)
    {
        string root = spec.RootFs.TrimEnd('/');
        if (root.Length == 0 || !Directory.Exists(root))
        {
            throw new InitException($"rootfs ({spec.RootFs}) does not exist");
        }

        // Nothing we mount may reach the host.
        Sys.Mount(null, "/", null, Sys.MS_REC | Sys.MS_PRIVATE, null);
        // pivot_root needs the new root to be a mount point.
        Sys.Mount(root, root, null, Sys.MS_BIND | Sys.MS_REC, null);

        const ulong hardened = Sys.MS_NOSUID | Sys.MS_NOEXEC | Sys.MS_NODEV;
        Sys.Mount("proc", SecurePath.Create(root, "/proc", file: false), "proc", hardened, null);
        Sys.Mount("sysfs", SecurePath.Create(root, "/sys", file: false), "sysfs", hardened | (spec.Privileged ? 0 : Sys.MS_RDONLY), null);
        MountDev(root, spec.Privileged);
        foreach (var mount in spec.Mounts)
        {
            MountOne(root, mount);
        }
    }

    /// <summary>pivot_root(".", ".") then detach the old root, which ends up stacked on the new one.</summary>
    public static void PivotRoot(string rootFs)
    {
        string root = rootFs.TrimEnd('/');
        Sys.Chdir(root);
        Sys.PivotRoot(".", ".");
        // The old root must not propagate the unmount anywhere.
        Sys.Mount(null, ".", null, Sys.MS_SLAVE | Sys.MS_REC, null);
        Sys.Umount2(".", Sys.MNT_DETACH);
        Sys.Chdir("/");
    }

    /// <summary>After pivot_root: masked and read-only paths (unless privileged), then the read-only root.</summary>
    public static void Harden(InitSpec spec)
    {
        if (!spec.Privileged)
        {
            foreach (var path in MaskedPaths)
            {
                Mask(path);
            }
            foreach (var path in ReadonlyPaths)
            {
                MakeReadonly(path);
            }
        }
        if (spec.ReadonlyRootFs)
        {
            Sys.Mount(null, "/", null, Sys.MS_BIND | Sys.MS_REMOUNT | Sys.MS_RDONLY | Sys.GetMountFlags("/"), null);
        }
    }

    private static void MountOne(string root, InitMount mount)
    {
        if (!mount.Target.StartsWith('/'))
        {
            throw new InitException($"invalid mount target {mount.Target}: not an absolute path");
        }
        var options = MountOptions.Parse(mount.Options, mount.Type);
        if (options.Bind)
        {
            if (Sys.TryStatMode(mount.Source, followLinks: true, out uint sourceMode) != 0)
            {
                throw Sys.Error("stat", mount.Source);
            }
            bool file = (sourceMode & Sys.S_IFMT) != Sys.S_IFDIR;
            string target = SecurePath.Create(root, mount.Target, file);
            Sys.Mount(mount.Source, target, null, Sys.MS_BIND | (options.Recursive ? Sys.MS_REC : 0), null);
            // Flags on a bind take a remount.
            ulong flags = options.Flags & ~Sys.MS_REC;
            if (flags != 0)
            {
                Sys.Mount(null, target, null, Sys.MS_BIND | Sys.MS_REMOUNT | flags | (Sys.GetMountFlags(target) & ~Sys.MS_RDONLY), null);
            }
            if (options.Propagation != 0)
            {
                Sys.Mount(null, target, null, options.Propagation, null);
            }
        }
        else
        {
            string target = SecurePath.Create(root, mount.Target, file: false);
            Sys.Mount(mount.Source.Length == 0 ? mount.Type : mount.Source, target, mount.Type, options.Flags, options.Data);
            if (options.Propagation != 0)
            {
                Sys.Mount(null, target, null, options.Propagation, null);
            }
        }
    }

    private static void Mask(string path)
    {
        int error = Sys.TryMount("/dev/null", path, null, Sys.MS_BIND, null);
        if (error == Sys.ENOTDIR || error == Sys.EISDIR)
        {
            Sys.Mount("tmpfs", path, "tmpfs", Sys.MS_RDONLY, null);
        }
        else if (error != 0 && error != Sys.ENOENT)
        {
            throw new SyscallException("mask: mount /dev/null", path, error);
        }
    }

    private static void MakeReadonly(string path)
    {
        int error = Sys.TryMount(path, path, null, Sys.MS_BIND | Sys.MS_REC, null);
        if (error == Sys.ENOENT)
        {
            return;
        }
        if (error != 0)
        {
            throw new SyscallException("readonly: bind", path, error);
        }
        Sys.Mount(null, path, null, Sys.MS_BIND | Sys.MS_REMOUNT | Sys.MS_RDONLY | Sys.MS_REC | Sys.GetMountFlags(path), null);
    }
}
