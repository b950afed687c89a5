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
        int sock = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
        {
            throw Error("socket(AF_INET)");
        }
        using var handle = new SafeFdHandle(sock);
        IfReqFlags req = default;
        Encoding.ASCII.GetBytes(name, new Span<byte>(req.Name, 15));
        if (LibC.ioctl(sock, SIOCGIFFLAGS, &req) != 0)
        {
            throw Error("ioctl(SIOCGIFFLAGS)", name);
        }
        req.Flags |= IFF_UP;
        if (LibC.ioctl(sock, SIOCSIFFLAGS, &req) != 0)
        {
            throw Error("ioctl(SIOCSIFFLAGS)", name);
        }
    }

    /// <summary>True when <paramref name="name"/> has IFF_UP in the calling thread's network namespace.</summary>
    public static bool InterfaceIsUp(string name)
    {
        int sock = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
        {
            throw Error("socket(AF_INET)");
        }
        using var handle = new SafeFdHandle(sock);
        IfReqFlags req = default;
        Encoding.ASCII.GetBytes(name, new Span<byte>(req.Name, 15));
        if (LibC.ioctl(sock, SIOCGIFFLAGS, &req) != 0)
        {
            throw Error("ioctl(SIOCGIFFLAGS)", name);
        }
        return (req.Flags & IFF_UP) != 0;
    }
}
