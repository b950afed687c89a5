using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

internal static partial class Sys
{
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NOCTTY = 0x100;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;

    public const uint S_IFMT = 0xF000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFLNK = 0xA000;
    public const uint S_IFCHR = 0x2000;

    public const int X_OK = 1;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc", EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir(string path);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdir(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int symlink(string target, string linkPath);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int stat(string path, byte* buf);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int lstat(string path, byte* buf);

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint umask(uint mask);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buf, nuint count);

    public static int CloseRaw(int fd) => close(fd);

    /// <summary>Best effort, for when the control socket is gone.</summary>
    public static unsafe void WriteStderr(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            write(2, p, (nuint)data.Length);
        }
    }

    public static SafeFd Open(string path, int flags, uint mode = 0)
        => new(Check(Retry(() => open(path, flags | O_CLOEXEC, mode)), "open", path));

    public static void Dup2(SafeFd fd, int newFd)
        => Check(Retry(() => dup2(fd.Fd, newFd)), "dup2", newFd.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static void Chdir(string path) => Check(chdir(path), "chdir", path);

    /// <summary>chdir without throwing; returns 0 or errno.</summary>
    public static int TryChdir(string path) => chdir(path) == -1 ? LastErrno : 0;

    /// <summary>mkdir; an existing entry is not an error.</summary>
    public static void Mkdir(string path, uint mode)
    {
        if (mkdir(path, mode) == -1 && LastErrno != EEXIST)
        {
            throw Error("mkdir", path);
        }
    }

    /// <summary>Creates an empty regular file (never following a symlink); an existing entry is not an error.</summary>
    public static void CreateFile(string path, uint mode)
    {
        int fd = Retry(() => open(path, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode));
        if (fd == -1)
        {
            if (LastErrno == EEXIST || LastErrno == ELOOP || LastErrno == EISDIR)
            {
                return;
            }
            // O_CREAT fails with EROFS on a read-only mount even when the file is there (a read-only volume).
            if (LastErrno == EROFS && File.Exists(path))
            {
                return;
            }
            throw Error("create", path);
        }
        close(fd);
    }

    public static void Symlink(string target, string linkPath)
    {
        if (symlink(target, linkPath) == -1 && LastErrno != EEXIST)
        {
            throw Error($"symlink {target}", linkPath);
        }
    }

    /// <summary>access(2); returns 0 or errno.</summary>
    public static int Access(string path, int mode) => access(path, mode) == -1 ? LastErrno : 0;

    public static uint Umask(uint mask) => umask(mask);

    /// <summary>st_mode of <paramref name="path"/> (lstat when <paramref name="followLinks"/> is false); returns errno on failure.</summary>
    public static unsafe int TryStatMode(string path, bool followLinks, out uint mode)
    {
        byte* buf = stackalloc byte[256];
        int result = followLinks ? Retry(() => stat(path, buf)) : Retry(() => lstat(path, buf));
        if (result == -1)
        {
            mode = 0;
            return LastErrno;
        }
        int offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        mode = *(uint*)(buf + offset);
        return 0;
    }
}
