using System.Text;
using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>rmdir and small control-file writes (cgroupfs, procfs) that fail with errno and path.</summary>
internal static unsafe partial class Interop
{
    private const int O_CREAT = 0x40;
    private const int O_TRUNC = 0x200;

    /// <summary>Gives <paramref name="path"/> the owner and group of <paramref name="like"/> (lchown when not following links).</summary>
    public static void ChangeOwner(string path, string like, bool followLinks)
    {
        byte[] from = NullTerminated(like);
        byte[] to = NullTerminated(path);
        statx st;
        fixed (byte* pf = from)
        fixed (byte* pt = to)
        {
            if (LibC.statx(LibC.AT_FDCWD, pf, followLinks ? 0 : LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_UID | LibC.STATX_GID, &st) != 0)
            {
                throw Error("statx", like);
            }
            int rc = followLinks ? LibC.chown(pt, st.stx_uid, st.stx_gid) : LibC.lchown(pt, st.stx_uid, st.stx_gid);
            if (rc != 0)
            {
                throw Error("chown", path);
            }
        }
    }

    /// <summary>lchown(2): sets the owner of <paramref name="path"/> itself (a symlink is not followed).</summary>
    public static void LChown(string path, uint uid, uint gid)
    {
        byte[] bytes = NullTerminated(path);
        fixed (byte* p = bytes)
        {
            if (LibC.lchown(p, uid, gid) != 0)
            {
                throw Error("lchown", path);
            }
        }
    }

    /// <summary>The S_IFMT bits of <paramref name="path"/> (lstat: a symlink is reported as one).</summary>
    public static uint FileType(string path)
    {
        byte[] bytes = NullTerminated(path);
        statx st;
        fixed (byte* p = bytes)
        {
            if (LibC.statx(LibC.AT_FDCWD, p, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_TYPE, &st) != 0)
            {
                throw Error("statx", path);
            }
        }
        return st.stx_mode & 0xF000u;
    }

    /// <summary>statx(2) of a device node: its type ('c' or 'b') and numbers; null when the path is not a device.</summary>
    public static (char Type, uint Major, uint Minor)? DeviceNumbers(string path)
    {
        byte[] bytes = NullTerminated(path);
        statx st;
        fixed (byte* p = bytes)
        {
            if (LibC.statx(LibC.AT_FDCWD, p, 0, LibC.STATX_TYPE, &st) != 0)
            {
                throw Error("statx", path);
            }
        }
        int type = st.stx_mode & (int)LibC.S_IFMT;
        return type == (int)LibC.S_IFCHR ? ('c', st.stx_rdev_major, st.stx_rdev_minor)
            : type == (int)LibC.S_IFBLK ? ('b', st.stx_rdev_major, st.stx_rdev_minor)
            : null;
    }

    /// <summary>rmdir(2); returns 0 or the errno (callers decide what to retry).</summary>
    public static int RemoveDirectory(string path)
    {
        byte[] bytes = NullTerminated(path);
        fixed (byte* p = bytes)
        {
            while (true)
            {
                if (LibC.rmdir(p) == 0)
                {
                    return 0;
                }
                int errno = LibC.errno;
                if (errno != EINTR)
                {
                    return errno;
                }
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> with one write(2) (a cgroup file takes one value per write).</summary>
    public static void WriteControlFile(string path, string value, bool create = false)
    {
        using var fd = Open(path, O_WRONLY | (create ? O_CREAT | O_TRUNC : 0));
        byte[] bytes = Encoding.ASCII.GetBytes(value);
        fixed (byte* p = bytes)
        {
            while (true)
            {
                long n = LibC.write(fd.Fd, p, (size_t)(ulong)bytes.Length);
                if (n >= 0)
                {
                    return;
                }
                int errno = LibC.errno;
                if (errno != EINTR)
                {
                    throw Error(errno, $"write \"{value}\" to", path);
                }
            }
        }
    }
}
