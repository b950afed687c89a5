using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

internal static partial class Sys
{
    private const int CLONE_FS = 0x200;
    private const int CLONE_NEWNS = 0x20000;

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int unshare(int flags);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    /// <summary>
    /// Moves the calling thread into the mount namespace at <paramref name="path"/>. The runtime's other threads share
    /// our fs_struct, so this thread first takes its own (unshare(CLONE_FS)); it is the thread that calls execve.
    /// </summary>
    public static void JoinMountNamespace(string path)
    {
        using var fd = Open(path, O_RDONLY);
        Check(unshare(CLONE_FS), "unshare(CLONE_FS)");
        Check(setns(fd.Fd, CLONE_NEWNS), "setns(CLONE_NEWNS)", path);
    }
}
