using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

internal static partial class Sys
{
    private const ulong TIOCSCTTY = 0x540E;
    private const ulong TIOCSWINSZ = 0x5414;
    private const ulong TIOCGPTN = 0x80045430;
    private const ulong TIOCSPTLCK = 0x40045431;
    private const ulong TIOCGPTPEER = 0x5441;

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixel;
        public ushort YPixel;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int ioctl(int fd, ulong request, void* arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, nint arg);

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    private static partial int setsid();

    public static unsafe void Unlockpt(SafeFd master)
    {
        int unlock = 0;
        Check(ioctl(master.Fd, TIOCSPTLCK, &unlock), "ioctl(TIOCSPTLCK)", "ptmx");
    }

    public static unsafe int PtyNumber(SafeFd master)
    {
        int number;
        Check(ioctl(master.Fd, TIOCGPTN, &number), "ioctl(TIOCGPTN)", "ptmx");
        return number;
    }

    /// <summary>Opens the slave of <paramref name="master"/> through the master (TIOCGPTPEER, Linux 4.13); null when the kernel lacks it.</summary>
    public static SafeFd? OpenPtyPeer(SafeFd master, int flags)
    {
        int fd = ioctl(master.Fd, TIOCGPTPEER, flags | O_CLOEXEC);
        if (fd == -1)
        {
            return LastErrno is EINVAL or ENOSYS or 25 /* ENOTTY */ ? null : throw Error("ioctl(TIOCGPTPEER)", "ptmx");
        }
        return new SafeFd(fd);
    }

    public static unsafe void SetWindowSize(SafeFd fd, ushort rows, ushort columns)
    {
        var size = new WinSize { Rows = rows, Columns = columns };
        Check(ioctl(fd.Fd, TIOCSWINSZ, &size), "ioctl(TIOCSWINSZ)", "pty");
    }

    public static void SetControllingTerminal(SafeFd fd)
        => Check(ioctl(fd.Fd, TIOCSCTTY, 0), "ioctl(TIOCSCTTY)", "pty");

    [LibraryImport("libc", EntryPoint = "getsid", SetLastError = true)]
    private static partial int getsid(int pid);

    [LibraryImport("libc", EntryPoint = "getpid")]
    private static partial int getpid();

    /// <summary>A new session; already being a session leader (spawned with POSIX_SPAWN_SETSID) is fine.</summary>
    public static void Setsid()
    {
        if (setsid() == -1 && !(LastErrno == EPERM && getsid(0) == getpid()))
        {
            throw Error("setsid");
        }
    }
}
