using System.Runtime.InteropServices;
using System.Text;

namespace Engine.Storage.Interop;

internal static unsafe partial class Sys
{
    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lsetxattr_(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr_(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint llistxattr_(string path, byte* list, nuint size);

    public static void LSetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* v = value)
        {
            int rc;
            do { rc = lsetxattr_(path, name, v, (nuint)value.Length, 0); } while (rc == -1 && Errno == EINTR);
            if (rc == -1)
            {
                throw Error($"lsetxattr {name}", path, Errno);
            }
        }
    }

    /// <summary>The value of an extended attribute, or null when the file has none of that name.</summary>
    public static byte[]? LGetXattr(string path, string name)
    {
        while (true)
        {
            var size = lgetxattr_(path, name, null, 0);
            if (size < 0)
            {
                var e = Errno;
                if (e == ENODATA || e == ENOTSUP)
                {
                    return null;
                }
                throw Error($"lgetxattr {name}", path, e);
            }
            var buf = new byte[size];
            fixed (byte* b = buf)
            {
                var n = lgetxattr_(path, name, b, (nuint)buf.Length);
                if (n < 0)
                {
                    if (Errno == ERANGE)
                    {
                        continue;
                    }
                    var e = Errno;
                    if (e == ENODATA || e == ENOTSUP)
                    {
                        return null;
                    }
                    throw Error($"lgetxattr {name}", path, e);
                }
                return n == buf.Length ? buf : buf[..(int)n];
            }
        }
    }

    public static IReadOnlyList<string> LListXattr(string path)
    {
        while (true)
        {
            var size = llistxattr_(path, null, 0);
            if (size < 0)
            {
                var e = Errno;
                if (e == ENOTSUP)
                {
                    return [];
                }
                throw Error("llistxattr", path, e);
            }
            if (size == 0)
            {
                return [];
            }
            var buf = new byte[size];
            fixed (byte* b = buf)
            {
                var n = llistxattr_(path, b, (nuint)buf.Length);
                if (n < 0)
                {
                    if (Errno == ERANGE)
                    {
                        continue;
                    }
                    throw Error("llistxattr", path, Errno);
                }
                var names = new List<string>();
                var start = 0;
                for (var i = 0; i < n; i++)
                {
                    if (buf[i] == 0)
                    {
                        if (i > start)
                        {
                            names.Add(Encoding.UTF8.GetString(buf, start, i - start));
                        }
                        start = i + 1;
                    }
                }
                return names;
            }
        }
    }
}
