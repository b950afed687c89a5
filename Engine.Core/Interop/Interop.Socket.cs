using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>socketpair and sendmsg/recvmsg with SCM_RIGHTS.</summary>
internal static unsafe partial class Interop
{
    private const int AF_UNIX = 1;
    private const int SOCK_SEQPACKET = 5;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int SOL_SOCKET = 1;
    private const int SCM_RIGHTS = 1;
    private const int MSG_CTRUNC = 0x8;
    private const int MSG_TRUNC = 0x20;
    private const int MSG_DONTWAIT = 0x40;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int MSG_CMSG_CLOEXEC = 0x40000000;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [LibraryImport(Libc, EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint sendmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport(Libc, EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint recvmsg(int fd, MsgHdr* msg, int flags);

    /// <summary>socketpair(AF_UNIX, SOCK_SEQPACKET|SOCK_CLOEXEC).</summary>
    public static (SafeFdHandle Engine, SafeFdHandle Child) SeqPacketPair()
    {
        int* fds = stackalloc int[2];
        if (LibC.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
        {
            throw Error("socketpair");
        }
        return (new SafeFdHandle(fds[0]), new SafeFdHandle(fds[1]));
    }

    /// <summary>Sends one message without blocking; returns false on EAGAIN.</summary>
    public static bool SendMessage(SafeFdHandle socket, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            IoVec iov = new() { Base = p, Length = (nuint)data.Length };
            MsgHdr msg = new() { Iov = &iov, IovLength = 1 };
            while (true)
            {
                nint n = sendmsg(socket.Fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (n >= 0)
                {
                    return true;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                {
                    continue;
                }
                if (errno == EAGAIN)
                {
                    return false;
                }
                throw Error(errno, "sendmsg");
            }
        }
    }

    /// <summary>
    /// Receives one message without blocking: the byte count (0 at EOF, -EAGAIN when nothing is there),
    /// and a descriptor passed with SCM_RIGHTS (close-on-exec), if any.
    /// </summary>
    public static int ReceiveMessage(SafeFdHandle socket, Span<byte> buffer, out SafeFdHandle? passedFd)
    {
        passedFd = null;
        byte* control = stackalloc byte[64];
        fixed (byte* p = buffer)
        {
            IoVec iov = new() { Base = p, Length = (nuint)buffer.Length };
            MsgHdr msg = new() { Iov = &iov, IovLength = 1, Control = control, ControlLength = 64 };
            nint n;
            while (true)
            {
                n = recvmsg(socket.Fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
                if (n >= 0)
                {
                    break;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                {
                    continue;
                }
                if (errno == EAGAIN)
                {
                    return -EAGAIN;
                }
                throw Error(errno, "recvmsg");
            }
            // Walk the control messages (CMSG_FIRSTHDR / CMSG_NXTHDR by hand).
            nuint offset = 0;
            while (offset + (nuint)sizeof(CmsgHdr) <= msg.ControlLength)
            {
                CmsgHdr* cmsg = (CmsgHdr*)(control + offset);
                if (cmsg->Length < (nuint)sizeof(CmsgHdr))
                {
                    break;
                }
                if (cmsg->Level == SOL_SOCKET && cmsg->Type == SCM_RIGHTS)
                {
                    int count = (int)((cmsg->Length - (nuint)sizeof(CmsgHdr)) / sizeof(int));
                    int* fds = (int*)(cmsg + 1);
                    for (int i = 0; i < count; i++)
                    {
                        if (passedFd is null)
                        {
                            passedFd = new SafeFdHandle(fds[i]);
                        }
                        else
                        {
                            LibC.close(fds[i]);
                        }
                    }
                }
                offset += (cmsg->Length + 7) & ~(nuint)7;
            }
            if ((msg.Flags & (MSG_TRUNC | MSG_CTRUNC)) != 0)
            {
                passedFd?.Dispose();
                throw Error(EINVAL, "recvmsg", "message truncated");
            }
            return (int)n;
        }
    }
}
