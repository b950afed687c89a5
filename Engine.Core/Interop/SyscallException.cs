using System.Runtime.InteropServices;

namespace Engine.Core.Interop;

/// <summary>A failed kernel call: carries errno, the operation and, where there is one, the path.</summary>
internal sealed class SyscallException : IOException
{
    public SyscallException(int errno, string operation, string? path = null)
        : base(FormatMessage(errno, operation, path), errno)
    {
        Errno = errno;
        Operation = operation;
        Path = path;
    }

    public int Errno { get; }
    public string Operation { get; }
    public string? Path { get; }

    private static string FormatMessage(int errno, string operation, string? path)
        => path is null
            ? $"{operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"
            : $"{operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
