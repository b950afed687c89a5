using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>epoll and eventfd.</summary>
internal static unsafe partial class Interop
{
    public const int EPOLLIN = 0x001;
    public const int EPOLLOUT = 0x004;
    public const int EPOLLERR = 0x008;
    public const int EPOLLHUP = 0x010;
    public const int EPOLLRDHUP = 0x2000;
    public const int EPOLLONESHOT = 0x40000000;
    private const int EPOLL_CTL_ADD = 1;
    private const int EPOLL_CTL_DEL = 2;
    private const int EPOLL_CTL_MOD = 3;
    private const int EPOLL_CLOEXEC = 0x80000;
    private const int EFD_CLOEXEC = 0x80000;
    private const int EFD_NONBLOCK = 0x800;

    /// <summary>A ready descriptor as the loop sees it.</summary>
    public readonly record struct EpollReady(ulong Token, int Events);

    public static SafeFdHandle EpollCreate()
    {
        int fd = LibC.epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0)
        {
            throw Error("epoll_create1");
        }
        return new SafeFdHandle(fd);
    }

    /// <summary>Adds (or, when <paramref name="modify"/>, re-arms) <paramref name="fd"/> with a token.</summary>
    public static void EpollControl(SafeFdHandle epoll, SafeFdHandle fd, int events, ulong token, bool modify)
    {
        epoll_event ev = default;
        ev.events = events;
        ev.data.u64 = token;
        if (LibC.epoll_ctl(epoll.Fd, modify ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd.Fd, &ev) != 0)
        {
            throw Error(modify ? "epoll_ctl(MOD)" : "epoll_ctl(ADD)", $"fd {fd.Fd}");
        }
    }

    /// <summary>Removes <paramref name="fd"/>; ignores a descriptor that was not registered.</summary>
    public static void EpollRemove(SafeFdHandle epoll, SafeFdHandle fd)
    {
        epoll_event ev = default;
        LibC.epoll_ctl(epoll.Fd, EPOLL_CTL_DEL, fd.Fd, &ev);
    }

    /// <summary>epoll_wait without timeout; fills <paramref name="ready"/>, returns the count (0 after EINTR).</summary>
    public static int EpollWait(SafeFdHandle epoll, Span<EpollReady> ready)
    {
        int max = Math.Min(ready.Length, 64);
        epoll_event* events = stackalloc epoll_event[max];
        int n = LibC.epoll_wait(epoll.Fd, events, max, -1);
        if (n < 0)
        {
            if (LibC.errno == EINTR)
            {
                return 0;
            }
            throw Error("epoll_wait");
        }
        for (int i = 0; i < n; i++)
        {
            ready[i] = new EpollReady(events[i].data.u64, events[i].events);
        }
        return n;
    }

    public static SafeFdHandle EventFd()
    {
        int fd = LibC.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0)
        {
            throw Error("eventfd");
        }
        return new SafeFdHandle(fd);
    }

    public static void EventFdSignal(SafeFdHandle fd)
    {
        ulong one = 1;
        LibC.write(fd.Fd, &one, 8);
    }
}
