using System.Text;
using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>Descriptors: open, pipe2, fcntl, dup, read, write.</summary>
internal static unsafe partial class Interop
{
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;
    public const int O_DIRECTORY = 0x10000;

    private const int F_GETFL = 3;
    private const int F_SETFL = 4;
    private const int F_DUPFD_CLOEXEC = 1030;

    public static SafeFdHandle Open(string path, int flags, int mode = 0x1a4)
    {
        byte[] bytes = NullTerminated(path);
        fixed (byte* p = bytes)
        {
            while (true)
            {
                int fd = LibC.open(p, flags | O_CLOEXEC, (ushort)mode);
                if (fd >= 0)
                {
                    return new SafeFdHandle(fd);
                }
                if (LibC.errno != EINTR)
                {
                    throw Error("open", path);
                }
            }
        }
    }

    /// <summary>pipe2(O_CLOEXEC): (read end, write end).</summary>
    public static (SafeFdHandle Read, SafeFdHandle Write) Pipe()
    {
        int* fds = stackalloc int[2];
        if (LibC.pipe2(fds, O_CLOEXEC) != 0)
        {
            throw Error("pipe2");
        }
        return (new SafeFdHandle(fds[0]), new SafeFdHandle(fds[1]));
    }

    public static void SetNonBlocking(SafeFdHandle fd)
    {
        int flags = LibC.fcntl(fd.Fd, F_GETFL);
        if (flags < 0 || LibC.fcntl(fd.Fd, F_SETFL, flags | O_NONBLOCK) < 0)
        {
            throw Error("fcntl(O_NONBLOCK)");
        }
    }

    /// <summary>A close-on-exec duplicate numbered at least <paramref name="minFd"/>.</summary>
    public static SafeFdHandle Duplicate(SafeFdHandle fd, int minFd = 0)
    {
        int copy = LibC.fcntl(fd.Fd, F_DUPFD_CLOEXEC, minFd);
        if (copy < 0)
        {
            throw Error("fcntl(F_DUPFD_CLOEXEC)");
        }
        return new SafeFdHandle(copy);
    }

    /// <summary>read(2); returns bytes read, or -errno for EAGAIN/EIO so that callers can wait or see EOF. Retries EINTR.</summary>
    public static int Read(SafeFdHandle fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long n = LibC.read(fd.Fd, p, (size_t)(ulong)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
                int errno = LibC.errno;
                if (errno == EINTR)
                {
                    continue;
                }
                if (errno == EAGAIN || errno == EIO)
                {
                    return -errno;
                }
                throw Error(errno, "read");
            }
        }
    }

    /// <summary>write(2); returns bytes written, or -EAGAIN. Retries EINTR.</summary>
    public static int Write(SafeFdHandle fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long n = LibC.write(fd.Fd, p, (size_t)(ulong)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
                int errno = LibC.errno;
                if (errno == EINTR)
                {
                    continue;
                }
                if (errno == EAGAIN)
                {
                    return -errno;
                }
                throw Error(errno, "write");
            }
        }
    }

    internal static byte[] NullTerminated(string s)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
