using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

/// <summary>A failed system call: carries errno, the operation and the path (or object) it was applied to.</summary>
internal sealed class SyscallException : Exception
{
    public SyscallException(string operation, string? path, int errno)
        : base(Format(operation, path, errno))
    {
        Operation = operation;
        Path = path;
        Errno = errno;
    }

    public string Operation { get; }
    public string? Path { get; }
    public int Errno { get; }

    private static string Format(string operation, string? path, int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return path is null ? $"{operation}: {text} (errno {errno})" : $"{operation} {path}: {text} (errno {errno})";
    }
}

internal static partial class Sys
{
    public const int EINTR = 4;
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EROFS = 30;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ENOEXEC = 8;
    public const int EPERM = 1;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;

    /// <summary>The one place a failed call becomes an exception.</summary>
    public static SyscallException Error(string operation, string? path = null)
        => new(operation, path, Marshal.GetLastPInvokeError());

    /// <summary>Throws when <paramref name="result"/> is -1; callers that retry on EINTR use <see cref="Retry"/>.</summary>
    public static int Check(int result, string operation, string? path = null)
        => result == -1 ? throw Error(operation, path) : result;

    /// <summary>Runs <paramref name="call"/> again while it fails with EINTR.</summary>
    public static int Retry(Func<int> call)
    {
        int result;
        do
        {
            result = call();
        }
        while (result == -1 && Marshal.GetLastPInvokeError() == EINTR);
        return result;
    }

    public static int LastErrno => Marshal.GetLastPInvokeError();
}
