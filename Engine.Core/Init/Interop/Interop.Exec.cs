using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

internal static partial class Sys
{
    private const int SIG_SETMASK = 2;
    private const uint CLOSE_RANGE_CLOEXEC = 4;

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int execve(string path, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "close_range", SetLastError = true)]
    private static partial int close_range(uint first, uint last, uint flags);

    // The raw system call: glibc's sigaction refuses 32 and 33 (its own), which can still arrive ignored.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial int syscall_rt_sigaction(long number, long signum, byte* action, byte* oldAction, long sigsetSize);

    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    private static unsafe partial int pthread_sigmask(int how, byte* set, byte* oldSet);

    /// <summary>Marks every descriptor from <paramref name="first"/> up close-on-exec (the runtime still uses some until execve).</summary>
    public static void CloseOnExecFrom(int first)
    {
        if (close_range((uint)first, uint.MaxValue, CLOSE_RANGE_CLOEXEC) == 0)
        {
            return;
        }
        // Kernels before 5.11: walk /proc/self/fd.
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), out int fd) && fd >= first)
            {
                try
                {
                    SetCloseOnExec(fd);
                }
                catch (SyscallException)
                {
                    // The directory's own descriptor, closed by now.
                }
            }
        }
    }

    /// <summary>
    /// Ignored signals back to SIG_DFL (SIG_IGN survives execve; handlers do not, and the runtime still needs its own
    /// until then), and an empty signal mask on this thread.
    /// </summary>
    public static unsafe void ResetSignals()
    {
        // Kernel struct sigaction: handler first, then flags, restorer, an 8-byte mask.
        long number = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 134 : 13;
        byte* old = stackalloc byte[64];
        byte* dfl = stackalloc byte[64];
        new Span<byte>(dfl, 64).Clear();
        for (int sig = 1; sig < 65; sig++)
        {
            if (sig is 9 or 19)
            {
                continue;
            }
            if (syscall_rt_sigaction(number, sig, null, old, 8) == 0 && *(nint*)old == 1 /* SIG_IGN */)
            {
                syscall_rt_sigaction(number, sig, dfl, null, 8);
            }
        }
        byte* empty = stackalloc byte[128];
        new Span<byte>(empty, 128).Clear();
        pthread_sigmask(SIG_SETMASK, empty, null);
    }

    /// <summary>execve(2); returns errno when it fails.</summary>
    public static unsafe int Execve(string path, IReadOnlyList<string> args, IReadOnlyList<string> env)
    {
        byte** argv = ToNullTerminated(args);
        byte** envp = ToNullTerminated(env);
        execve(path, argv, envp);
        int errno = LastErrno;
        Free(argv);
        Free(envp);
        return errno;
    }

    private static unsafe byte** ToNullTerminated(IReadOnlyList<string> items)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(items.Count + 1), (nuint)sizeof(byte*));
        for (int i = 0; i < items.Count; i++)
        {
            array[i] = (byte*)Marshal.StringToCoTaskMemUTF8(items[i]);
        }
        return array;
    }

    private static unsafe void Free(byte** array)
    {
        for (int i = 0; array[i] != null; i++)
        {
            Marshal.FreeCoTaskMem((nint)array[i]);
        }
        NativeMemory.Free(array);
    }
}
