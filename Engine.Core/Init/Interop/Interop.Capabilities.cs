using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

internal static partial class Sys
{
    private const int PR_SET_KEEPCAPS = 8;
    private const int PR_CAPBSET_DROP = 24;
    private const uint _LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "capget", SetLastError = true)]
    private static unsafe partial int capget(uint* header, uint* data);

    [LibraryImport("libc", EntryPoint = "capset", SetLastError = true)]
    private static unsafe partial int capset(uint* header, uint* data);

    public static void SetKeepCaps(bool keep) => Check(prctl(PR_SET_KEEPCAPS, keep ? 1u : 0u, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");

    public static void DropBoundingCapability(int cap, string name)
    {
        if (prctl(PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0) == -1 && LastErrno != EINVAL)
        {
            throw Error("prctl(PR_CAPBSET_DROP)", name);
        }
    }

    /// <summary>The calling thread's permitted set (capget(2)).</summary>
    public static unsafe ulong GetPermittedCapabilities()
    {
        uint* header = stackalloc uint[2];
        header[0] = _LINUX_CAPABILITY_VERSION_3;
        header[1] = 0;
        uint* data = stackalloc uint[6];
        Check(capget(header, data), "capget");
        return data[1] | ((ulong)data[4] << 32);
    }

    /// <summary>capset(2) on the calling thread: effective, permitted and inheritable all set to <paramref name="mask"/>.</summary>
    public static unsafe void SetCapabilities(ulong mask)
    {
        uint* header = stackalloc uint[2];
        header[0] = _LINUX_CAPABILITY_VERSION_3;
        header[1] = 0;
        uint* data = stackalloc uint[6];
        uint low = (uint)mask, high = (uint)(mask >> 32);
        data[0] = low; data[1] = low; data[2] = low;
        data[3] = high; data[4] = high; data[5] = high;
        Check(capset(header, data), "capset", $"0x{mask:x}");
    }
}
