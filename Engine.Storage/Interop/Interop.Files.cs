using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Engine.Storage.Interop;

/// <summary>What lstat(2) says about a path.</summary>
public readonly record struct FileStatus(
    ulong Device, ulong Inode, uint Mode, uint Uid, uint Gid, ulong NLink, ulong RDev, long Size,
    long MtimeSec, long MtimeNsec, long AtimeSec, long AtimeNsec)
{
    public const uint S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFLNK = 0xA000, S_IFREG = 0x8000,
        S_IFBLK = 0x6000, S_IFDIR = 0x4000, S_IFCHR = 0x2000, S_IFIFO = 0x1000;

    public uint Type => Mode & S_IFMT;
    public bool IsDirectory => Type == S_IFDIR;
    public bool IsSymlink => Type == S_IFLNK;
    public bool IsRegular => Type == S_IFREG;
    public bool IsCharDevice => Type == S_IFCHR;
    /// <summary>Permission bits including setuid, setgid and sticky.</summary>
    public uint Permissions => Mode & 0xFFF;
    public uint RDevMajor => (uint)(((RDev >> 32) & 0xFFFFF000) | ((RDev >> 8) & 0xFFF));
    public uint RDevMinor => (uint)(((RDev >> 12) & 0xFFFFFF00) | (RDev & 0xFF));
    /// <summary>An overlay whiteout: a character device 0/0.</summary>
    public bool IsWhiteout => IsCharDevice && RDev == 0;
}

internal static unsafe partial class Sys
{
    internal static byte[] Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    public static uint EffectiveUid => geteuid();

    /// <summary>lstat(2); null when the path does not exist.</summary>
    public static FileStatus? LStat(string path)
    {
        stat st;
        var p = Z(path);
        int rc;
        fixed (byte* pp = p)
        {
            do { rc = lstat(pp, &st); } while (rc == -1 && errno == EINTR);
        }
        if (rc == -1)
        {
            var e = errno;
            if (e == ENOENT || e == ENOTDIR)
            {
                return null;
            }
            throw Error("lstat", path, e);
        }
        return new FileStatus((ulong)st.st_dev, (ulong)st.st_ino, (uint)st.st_mode, (uint)st.st_uid, (uint)st.st_gid, (ulong)st.st_nlink, (ulong)st.st_rdev, (long)st.st_size,
            (long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, (long)st.st_atim.tv_sec, (long)st.st_atim.tv_nsec);
    }

    public static FileStatus LStatOrThrow(string path) =>
        LStat(path) ?? throw Error("lstat", path, ENOENT);

    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8) | ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);

    public static void MkNod(string path, uint mode, ulong dev)
    {
        var p = Z(path);
        fixed (byte* pp = p)
        {
            int rc;
            do { rc = mknod(pp, (mode_t)mode, dev); } while (rc == -1 && errno == EINTR);
            Check(rc, "mknod", path);
        }
    }

    public static void LChown(string path, uint uid, uint gid)
    {
        var p = Z(path);
        fixed (byte* pp = p)
        {
            Check(lchown(pp, uid, gid), "lchown", path);
        }
    }

    /// <summary>Sets atime and mtime without following a final symlink.</summary>
    public static void LUtimes(string path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
    {
        var p = Z(path);
        var times = stackalloc timespec[2];
        times[0].tv_sec = atimeSec;
        times[0].tv_nsec = (long_t)atimeNsec;
        times[1].tv_sec = mtimeSec;
        times[1].tv_nsec = (long_t)mtimeNsec;
        fixed (byte* pp = p)
        {
            Check(utimensat(AT_FDCWD, pp, times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
        }
    }

    /// <summary>link(2): a hard link to <paramref name="existing"/> (a final symlink is not followed).</summary>
    public static void Link(string existing, string newPath)
    {
        var a = Z(existing);
        var b = Z(newPath);
        fixed (byte* pa = a, pb = b)
        {
            Check(linkat(AT_FDCWD, pa, AT_FDCWD, pb, 0), "link", newPath);
        }
    }

    public static void Chmod(string path, uint mode)
    {
        var p = Z(path);
        fixed (byte* pp = p)
        {
            Check(chmod(pp, (mode_t)mode), "chmod", path);
        }
    }

    /// <summary>fsync(2) of a directory, so a rename inside it survives a crash.</summary>
    public static void FsyncDirectory(string path)
    {
        var p = Z(path);
        fixed (byte* pp = p)
        {
            var fd = open(pp, O_RDONLY | O_DIRECTORY | O_CLOEXEC, (mode_t)0u);
            Check(fd, "open", path);
            try
            {
                Check(fsync(fd), "fsync", path);
            }
            finally
            {
                close(fd);
            }
        }
    }

    public static string ReadLink(string path)
    {
        var p = Z(path);
        var buf = new byte[4096];
        fixed (byte* pp = p, pb = buf)
        {
            var n = (long)readlink(pp, pb, (size_t)buf.Length);
            if (n < 0)
            {
                throw Error("readlink", path, errno);
            }
            return Encoding.UTF8.GetString(buf, 0, (int)n);
        }
    }
}
