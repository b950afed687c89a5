using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>
/// rtnetlink (NETLINK_ROUTE): links (bridge, veth), IPv4 addresses and routes. A netlink socket acts on the
/// network namespace of the thread that opened it, so a caller that wants to configure a container's namespace
/// opens the socket on a thread that has setns'd into it. Every request asks for an ACK and fails with errno.
/// </summary>
internal static unsafe partial class Interop
{
    private const int AF_NETLINK = 16;
    private const int SOCK_RAW = 3;
    private const int NETLINK_ROUTE = 0;

    private const ushort NLMSG_ERROR = 2;
    private const ushort NLM_F_REQUEST = 0x1;
    private const ushort NLM_F_ACK = 0x4;
    private const ushort NLM_F_EXCL = 0x200;
    private const ushort NLM_F_CREATE = 0x400;

    private const ushort RTM_NEWLINK = 16;
    private const ushort RTM_DELLINK = 17;
    private const ushort RTM_NEWADDR = 20;
    private const ushort RTM_NEWROUTE = 24;

    private const ushort IFLA_ADDRESS = 1;
    private const ushort IFLA_IFNAME = 3;
    private const ushort IFLA_MTU = 4;
    private const ushort IFLA_MASTER = 10;
    private const ushort IFLA_LINKINFO = 18;
    private const ushort IFLA_NET_NS_PID = 19;
    private const ushort IFLA_INFO_KIND = 1;
    private const ushort IFLA_INFO_DATA = 2;
    private const ushort VETH_INFO_PEER = 1;
    private const ushort NLA_F_NESTED = 0x8000;

    private const ushort IFA_ADDRESS = 1;
    private const ushort IFA_LOCAL = 2;
    private const ushort IFA_BROADCAST = 4;

    private const ushort RTA_OIF = 4;
    private const ushort RTA_GATEWAY = 5;

    public const int ENODEV = 19;
    private const uint IFF_UP_FLAG = 0x1;

    private static int s_netlinkSeq;

    [LibraryImport(Libc, EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);

    /// <summary>Index of interface <paramref name="name"/> in the calling thread's network namespace; 0 when there is none.</summary>
    public static int LinkIndex(string name) => (int)if_nametoindex(name);

    /// <summary>A NETLINK_ROUTE socket of the calling thread's network namespace.</summary>
    public static SafeFdHandle NetlinkOpen()
    {
        int fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
        {
            throw Error("socket(AF_NETLINK)");
        }
        return new SafeFdHandle(fd);
    }

    /// <summary>RTM_NEWLINK kind bridge (fails with EEXIST when the name is taken).</summary>
    public static void CreateBridge(SafeFdHandle nl, string name, int mtu)
    {
        var m = new NetlinkMessage(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        m.IfInfo(0, 0, 0);
        m.String(IFLA_IFNAME, name);
        if (mtu > 0)
        {
            m.U32(IFLA_MTU, (uint)mtu);
        }
        int info = m.Begin(IFLA_LINKINFO);
        m.String(IFLA_INFO_KIND, "bridge");
        m.End(info);
        Request(nl, m, "RTM_NEWLINK bridge", name);
    }

    /// <summary>
    /// RTM_NEWLINK kind veth: <paramref name="hostName"/> here, its peer named <paramref name="peerName"/> with
    /// MAC <paramref name="peerMac"/> created directly in the network namespace of <paramref name="peerNsPid"/>.
    /// </summary>
    public static void CreateVeth(SafeFdHandle nl, string hostName, string peerName, ReadOnlySpan<byte> peerMac, int mtu, int peerNsPid)
    {
        var m = new NetlinkMessage(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        m.IfInfo(0, 0, 0);
        m.String(IFLA_IFNAME, hostName);
        if (mtu > 0)
        {
            m.U32(IFLA_MTU, (uint)mtu);
        }
        int info = m.Begin(IFLA_LINKINFO);
        m.String(IFLA_INFO_KIND, "veth");
        int data = m.Begin(IFLA_INFO_DATA);
        int peer = m.Begin(VETH_INFO_PEER);
        m.IfInfo(0, 0, 0);
        m.String(IFLA_IFNAME, peerName);
        m.Bytes(IFLA_ADDRESS, peerMac);
        if (mtu > 0)
        {
            m.U32(IFLA_MTU, (uint)mtu);
        }
        m.U32(IFLA_NET_NS_PID, (uint)peerNsPid);
        m.End(peer);
        m.End(data);
        m.End(info);
        Request(nl, m, "RTM_NEWLINK veth", hostName);
    }

    /// <summary>Sets IFF_UP and, when <paramref name="masterIndex"/> is positive, enslaves the link to that bridge.</summary>
    public static void LinkSetUp(SafeFdHandle nl, int index, string name, int masterIndex = 0)
    {
        var m = new NetlinkMessage(RTM_NEWLINK, 0);
        m.IfInfo(index, IFF_UP_FLAG, IFF_UP_FLAG);
        if (masterIndex > 0)
        {
            m.U32(IFLA_MASTER, (uint)masterIndex);
        }
        Request(nl, m, "RTM_NEWLINK up", name);
    }

    /// <summary>RTM_DELLINK by name; false when there is no such link.</summary>
    public static bool DeleteLink(SafeFdHandle nl, string name)
    {
        var m = new NetlinkMessage(RTM_DELLINK, 0);
        m.IfInfo(0, 0, 0);
        m.String(IFLA_IFNAME, name);
        int errno = TryRequest(nl, m);
        if (errno == ENODEV)
        {
            return false;
        }
        if (errno != 0)
        {
            throw Error(errno, "RTM_DELLINK", name);
        }
        return true;
    }

    /// <summary>RTM_NEWADDR: an IPv4 address with its prefix and broadcast; an address already there is fine.</summary>
    public static void AddAddress(SafeFdHandle nl, int index, string name, ReadOnlySpan<byte> address, int prefixLength, ReadOnlySpan<byte> broadcast)
    {
        var m = new NetlinkMessage(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
        // struct ifaddrmsg { u8 family, prefixlen, flags, scope; u32 index; }
        m.Raw([(byte)AF_INET, (byte)prefixLength, 0, 0]);
        m.Raw32((uint)index);
        m.Bytes(IFA_LOCAL, address);
        m.Bytes(IFA_ADDRESS, address);
        m.Bytes(IFA_BROADCAST, broadcast);
        int errno = TryRequest(nl, m);
        if (errno != 0 && errno != EEXIST)
        {
            throw Error(errno, "RTM_NEWADDR", name);
        }
    }

    /// <summary>RTM_NEWROUTE: the IPv4 default route via <paramref name="gateway"/> out of link <paramref name="index"/>.</summary>
    public static void AddDefaultRoute(SafeFdHandle nl, int index, string name, ReadOnlySpan<byte> gateway)
    {
        var m = new NetlinkMessage(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
        // struct rtmsg { u8 family, dst_len, src_len, tos, table (RT_TABLE_MAIN), protocol (RTPROT_BOOT), scope (universe), type (RTN_UNICAST); u32 flags; }
        m.Raw([(byte)AF_INET, 0, 0, 0, 254, 3, 0, 1]);
        m.Raw32(0);
        m.Bytes(RTA_GATEWAY, gateway);
        m.U32(RTA_OIF, (uint)index);
        Request(nl, m, "RTM_NEWROUTE default", name);
    }

    private static void Request(SafeFdHandle nl, NetlinkMessage m, string operation, string name)
    {
        int errno = TryRequest(nl, m);
        if (errno != 0)
        {
            throw Error(errno, operation, name);
        }
    }

    /// <summary>Sends one request and reads its ACK: 0 or the errno the kernel answered.</summary>
    private static int TryRequest(SafeFdHandle nl, NetlinkMessage m)
    {
        uint seq = (uint)Interlocked.Increment(ref s_netlinkSeq);
        var bytes = m.Finish(seq);
        fixed (byte* p = bytes)
        {
            nint sent;
            do
            {
                sent = (nint)LibC.send(nl.Fd, p, bytes.Length, 0);
            }
            while (sent < 0 && LibC.errno == EINTR);
            if (sent < 0)
            {
                throw Error("send(netlink)");
            }
        }
        var buffer = new byte[8192];
        while (true)
        {
            nint n;
            fixed (byte* p = buffer)
            {
                do
                {
                    n = (nint)LibC.recv(nl.Fd, p, buffer.Length, 0);
                }
                while (n < 0 && LibC.errno == EINTR);
            }
            if (n < 0)
            {
                throw Error("recv(netlink)");
            }
            int offset = 0;
            while (offset + 16 <= n)
            {
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                uint replySeq = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 8));
                if (length < 16)
                {
                    break;
                }
                if (type == NLMSG_ERROR && replySeq == seq)
                {
                    return -BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset + 16));
                }
                offset += (int)((length + 3) & ~3u);
            }
        }
    }

    /// <summary>Builds one netlink message: header, a fixed family header, then (nested) attributes, 4-byte aligned.</summary>
    private sealed class NetlinkMessage
    {
        private readonly List<byte> _bytes = new(256);

        public NetlinkMessage(ushort type, ushort flags)
        {
            Raw32(0); // length, patched by Finish
            Raw16(type);
            Raw16((ushort)(NLM_F_REQUEST | NLM_F_ACK | flags));
            Raw32(0); // seq, patched by Finish
            Raw32(0); // port id: the kernel
        }

        /// <summary>struct ifinfomsg { u8 family, pad; u16 type; s32 index; u32 flags, change; }.</summary>
        public void IfInfo(int index, uint flags, uint change)
        {
            Raw([0, 0, 0, 0]);
            Raw32((uint)index);
            Raw32(flags);
            Raw32(change);
        }

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                _bytes.Add(b);
            }
        }

        public void Raw16(ushort value)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, value);
            Raw(b);
        }

        public void Raw32(uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
            Raw(b);
        }

        public void Bytes(ushort type, ReadOnlySpan<byte> value)
        {
            Raw16((ushort)(4 + value.Length));
            Raw16(type);
            Raw(value);
            Pad();
        }

        public void String(ushort type, string value)
        {
            var bytes = Encoding.ASCII.GetBytes(value + "\0");
            Bytes(type, bytes);
        }

        public void U32(ushort type, uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
            Bytes(type, b);
        }

        /// <summary>Opens a nested attribute; returns its offset for <see cref="End"/>.</summary>
        public int Begin(ushort type)
        {
            int start = _bytes.Count;
            Raw16(0);
            Raw16((ushort)(type | NLA_F_NESTED));
            return start;
        }

        public void End(int start)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)(_bytes.Count - start));
            _bytes[start] = b[0];
            _bytes[start + 1] = b[1];
        }

        public byte[] Finish(uint seq)
        {
            var bytes = _bytes.ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), seq);
            return bytes;
        }

        private void Pad()
        {
            while (_bytes.Count % 4 != 0)
            {
                _bytes.Add(0);
            }
        }
    }
}
