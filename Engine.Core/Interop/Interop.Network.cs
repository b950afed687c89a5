using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>Interface flags through ioctl on a datagram socket (of the calling thread's network namespace).</summary>
internal static unsafe partial class Interop
{
    private const int AF_INET = 2;
    private const int SOCK_DGRAM = 2;
    private const int SIOCGIFFLAGS = 0x8913;
    private const int SIOCSIFFLAGS = 0x8914;
    private const short IFF_UP = 0x1;

    [StructLayout(LayoutKind.Sequential, Size = 40)]
    private struct IfReqFlags
    {
        public fixed byte Name[16];
        public short Flags;
    }

    /// <summary>Sets IFF_UP on <paramref name="name"/> in the calling thread's network namespace.</summary>
    public static void InterfaceUp(string name)
    {
        using var handle = InterfaceFlags(name, out var req);
        req.Flags |= IFF_UP;
        if (LibC.ioctl(handle.Fd, SIOCSIFFLAGS, &req) != 0)
        {
            throw Error("ioctl(SIOCSIFFLAGS)", name);
        }
    }

    /// <summary>True when <paramref name="name"/> has IFF_UP in the calling thread's network namespace.</summary>
    public static bool InterfaceIsUp(string name)
    {
        using var handle = InterfaceFlags(name, out var req);
        return (req.Flags & IFF_UP) != 0;
    }

    /// <summary>SIOCGIFFLAGS of an interface; returns the socket it used, for a following SIOCSIFFLAGS.</summary>
    private static SafeFdHandle InterfaceFlags(string name, out IfReqFlags req)
    {
        int sock = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
        {
            throw Error("socket(AF_INET)");
        }
        var handle = new SafeFdHandle(sock);
        req = default;
        fixed (IfReqFlags* r = &req)
        {
            Encoding.ASCII.GetBytes(name, new Span<byte>(r->Name, 15));
            if (LibC.ioctl(sock, SIOCGIFFLAGS, r) != 0)
            {
                int errno = LibC.errno;
                handle.Dispose();
                throw Error(errno, "ioctl(SIOCGIFFLAGS)", name);
            }
        }
        return handle;
    }
}
