using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

internal static partial class Sys
{
    [LibraryImport("libc", EntryPoint = "setuid", SetLastError = true)]
    private static partial int setuid(uint uid);

    [LibraryImport("libc", EntryPoint = "setgid", SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport("libc", EntryPoint = "setgroups", SetLastError = true)]
    private static unsafe partial int setgroups(nuint size, uint* list);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static unsafe partial int setrlimit(int resource, ulong* limits);

    [LibraryImport("libc", EntryPoint = "sethostname", SetLastError = true)]
    private static unsafe partial int sethostname(byte* name, nuint length);

    [LibraryImport("libc", EntryPoint = "setdomainname", SetLastError = true)]
    private static unsafe partial int setdomainname(byte* name, nuint length);

    public static void Setuid(uint uid) => Check(setuid(uid), "setuid", uid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static void Setgid(uint gid) => Check(setgid(gid), "setgid", gid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static unsafe void Setgroups(ReadOnlySpan<uint> groups)
    {
        fixed (uint* p = groups)
        {
            Check(setgroups((nuint)groups.Length, p), "setgroups", string.Join(',', groups.ToArray()));
        }
    }

    public static unsafe void Setrlimit(int resource, string name, ulong soft, ulong hard)
    {
        ulong* limits = stackalloc ulong[2];
        limits[0] = soft;
        limits[1] = hard;
        Check(setrlimit(resource, limits), "setrlimit", name);
    }

    public static unsafe void Sethostname(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
        {
            Check(sethostname(p, (nuint)bytes.Length), "sethostname", name);
        }
    }

    public static unsafe void Setdomainname(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
        {
            Check(setdomainname(p, (nuint)bytes.Length), "setdomainname", name);
        }
    }
}
