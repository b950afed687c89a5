using Tmds.Linux;

namespace Engine.Core.Interop;

internal static unsafe partial class Interop
{
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ESRCH = 3;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int EBADF = 9;
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int EBUSY = 16;
    public const int EPIPE = 32;
    public const int EINVAL = 22;

    /// <summary>errno of the last Tmds.LibC call on this thread.</summary>
    public static int Errno => LibC.errno;

    public static SyscallException Error(string operation, string? path = null) => new(LibC.errno, operation, path);

    public static SyscallException Error(int errno, string operation, string? path = null) => new(errno, operation, path);
}
