using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

internal static partial class Sys
{
    public const ulong MS_RDONLY = 1;
    public const ulong MS_NOSUID = 2;
    public const ulong MS_NODEV = 4;
    public const ulong MS_NOEXEC = 8;
    public const ulong MS_SYNCHRONOUS = 16;
    public const ulong MS_REMOUNT = 32;
    public const ulong MS_MANDLOCK = 64;
    public const ulong MS_DIRSYNC = 128;
    public const ulong MS_NOATIME = 1024;
    public const ulong MS_NODIRATIME = 2048;
    public const ulong MS_BIND = 4096;
    public const ulong MS_MOVE = 8192;
    public const ulong MS_REC = 16384;
    public const ulong MS_SILENT = 32768;
    public const ulong MS_UNBINDABLE = 1 << 17;
    public const ulong MS_PRIVATE = 1 << 18;
    public const ulong MS_SLAVE = 1 << 19;
    public const ulong MS_SHARED = 1 << 20;
    public const ulong MS_RELATIME = 1 << 21;
    public const ulong MS_STRICTATIME = 1 << 24;

    public const int MNT_DETACH = 2;

    private const long ST_RELATIME = 4096;

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int syscall_pivot_root(long number, string newRoot, string putOld);

    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statfs(string path, byte* buf);

    public static void Mount(string? source, string target, string? fstype, ulong flags, string? data)
    {
        if (Retry(() => mount(source, target, fstype, flags, string.IsNullOrEmpty(data) ? null : data)) == -1)
        {
            throw Error($"mount {source ?? "none"} ({fstype ?? "-"}, flags 0x{flags:x}, {data})", target);
        }
    }

    /// <summary>mount(2) without throwing; returns 0 or errno.</summary>
    public static int TryMount(string? source, string target, string? fstype, ulong flags, string? data)
        => Retry(() => mount(source, target, fstype, flags, data)) == -1 ? LastErrno : 0;

    public static void Umount2(string target, int flags)
        => Check(Retry(() => umount2(target, flags)), "umount2", target);

    public static void PivotRoot(string newRoot, string putOld)
    {
        long number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 155,
            Architecture.Arm64 => 41,
            _ => throw new PlatformNotSupportedException("pivot_root: unknown syscall number for this architecture"),
        };
        Check(syscall_pivot_root(number, newRoot, putOld), "pivot_root", newRoot);
    }

    /// <summary>The MS_* flags a mount point carries now (statfs f_flags), to keep them when remounting.</summary>
    public static unsafe ulong GetMountFlags(string path)
    {
        byte* buf = stackalloc byte[256];
        Check(Retry(() => statfs(path, buf)), "statfs", path);
        long stFlags = *(long*)(buf + 80);
        ulong flags = (ulong)stFlags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME);
        if ((stFlags & ST_RELATIME) != 0)
        {
            flags |= MS_RELATIME;
        }
        return flags;
    }
}
