using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Engine.Storage.Interop;

/// <summary>A failed system call: the operation, the path and errno.</summary>
public sealed class SystemCallException : IOException
{
    public SystemCallException(string operation, string? path, int errno)
        : base($"{operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
    {
        Operation = operation;
        PathName = path;
        Errno = errno;
    }

    public string Operation { get; }
    public string? PathName { get; }
    public int Errno { get; }
}

internal static partial class Sys
{
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EPERM = 1;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENODATA = 61;
    public const int ENOTSUP = 95;
    public const int ERANGE = 34;
    public const int EBUSY = 16;

    public static int Errno => Marshal.GetLastPInvokeError();

    public static SystemCallException Error(string operation, string? path, int errno) => new(operation, path, errno);

    /// <summary>Throws for a -1 result, carrying errno, the operation and the path.</summary>
    public static void Check(int rc, string operation, string? path)
    {
        if (rc == -1)
        {
            throw Error(operation, path, LibC.errno);
        }
    }
}
