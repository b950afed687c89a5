using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

internal static partial class Sys
{
    private const int F_GETFD = 1;
    private const int F_SETFD = 2;
    private const int FD_CLOEXEC = 1;
    private const int MSG_PEEK = 2;
    private const int MSG_TRUNC = 0x20;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int SOL_SOCKET = 1;
    private const int SCM_RIGHTS = 1;

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint recv(int fd, byte* buf, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static unsafe partial nint sendmsg(int fd, MsgHdr* msg, int flags);

    public static void SetCloseOnExec(int fd)
    {
        int flags = Check(fcntl(fd, F_GETFD, 0), "fcntl(F_GETFD)", $"fd {fd}");
        Check(fcntl(fd, F_SETFD, flags | FD_CLOEXEC), "fcntl(F_SETFD)", $"fd {fd}");
    }

    /// <summary>Receives one SEQPACKET message whole; null at EOF.</summary>
    public static unsafe byte[]? ReceivePacket(int fd)
    {
        byte probe;
        nint size;
        do
        {
            size = recv(fd, &probe, 1, MSG_PEEK | MSG_TRUNC);
        }
        while (size == -1 && LastErrno == EINTR);
        if (size == -1)
        {
            throw Error("recv", $"control socket fd {fd}");
        }
        if (size == 0)
        {
            return null;
        }
        var buffer = new byte[size];
        fixed (byte* p = buffer)
        {
            nint got;
            do
            {
                got = recv(fd, p, (nuint)buffer.Length, 0);
            }
            while (got == -1 && LastErrno == EINTR);
            if (got == -1)
            {
                throw Error("recv", $"control socket fd {fd}");
            }
            return got == buffer.Length ? buffer : buffer[..(int)got];
        }
    }

    /// <summary>Sends one message, with <paramref name="passFd"/> as SCM_RIGHTS when it is not null.</summary>
    public static unsafe void SendPacket(int fd, ReadOnlySpan<byte> data, SafeFd? passFd)
    {
        // cmsghdr: size_t len, int level, int type, then data aligned to 8: CMSG_SPACE(sizeof(int)) = 24.
        byte* control = stackalloc byte[24];
        new Span<byte>(control, 24).Clear();
        fixed (byte* p = data)
        {
            var iov = new IoVec { Base = p, Length = (nuint)data.Length };
            var msg = new MsgHdr { Iov = &iov, IovLength = 1 };
            if (passFd is not null)
            {
                *(nuint*)control = 20; // CMSG_LEN(sizeof(int))
                *(int*)(control + 8) = SOL_SOCKET;
                *(int*)(control + 12) = SCM_RIGHTS;
                *(int*)(control + 16) = passFd.Fd;
                msg.Control = control;
                msg.ControlLength = 24;
            }
            nint sent;
            do
            {
                sent = sendmsg(fd, &msg, MSG_NOSIGNAL);
            }
            while (sent == -1 && LastErrno == EINTR);
            if (sent == -1)
            {
                throw Error("sendmsg", $"control socket fd {fd}");
            }
        }
    }
}
