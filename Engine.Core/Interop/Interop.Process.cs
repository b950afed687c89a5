using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>posix_spawn, pidfd_open, pidfd_send_signal, waitid(P_PIDFD).</summary>
internal static unsafe partial class Interop
{
    private const string Libc = "libc";
    private const short POSIX_SPAWN_SETSIGDEF = 0x04;
    private const short POSIX_SPAWN_SETSIGMASK = 0x08;
    private const int SYS_pidfd_send_signal = 424;
    private const int SYS_pidfd_open = 434;
    private const int P_PIDFD = 3;
    private const int WEXITED = 4;
    private const int CLD_EXITED = 1;
    private const int CLD_KILLED = 2;
    private const int CLD_DUMPED = 3;
    private const int SIGKILL = 9;
    private const int SIGSTOP = 19;

    /// <summary>What a spawned child's descriptors become.</summary>
    public readonly record struct SpawnFd(int Target, SafeFdHandle? Source, string? OpenPath = null, int OpenFlags = 0);

    [LibraryImport(Libc, EntryPoint = "posix_spawn")]
    private static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_addopen")]
    private static partial int posix_spawn_file_actions_addopen(void* fileActions, int fd, byte* path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_init")]
    private static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_destroy")]
    private static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setflags")]
    private static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Libc, EntryPoint = "sigemptyset")]
    private static partial int sigemptyset(void* set);

    [LibraryImport(Libc, EntryPoint = "sigfillset")]
    private static partial int sigfillset(void* set);

    [LibraryImport(Libc, EntryPoint = "sigdelset")]
    private static partial int sigdelset(void* set, int signo);

    [LibraryImport(Libc, EntryPoint = "waitid", SetLastError = true)]
    private static partial int waitid(int idtype, uint id, void* infop, int options);

    /// <summary>
    /// posix_spawn(path, argv, envp) with the given descriptor layout, an empty signal mask and every
    /// signal at its default disposition (the engine ignores SIGPIPE; the child must not inherit that).
    /// Returns the pid. Runs on the calling thread, so the child inherits its namespaces.
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp, IReadOnlyList<SpawnFd> fds)
    {
        // Buffers larger than glibc's posix_spawn_file_actions_t (80 bytes) and posix_spawnattr_t (336 bytes).
        byte* actions = stackalloc byte[256];
        byte* attr = stackalloc byte[512];
        byte* mask = stackalloc byte[128];
        byte* defaults = stackalloc byte[128];
        var pins = new List<GCHandle>();
        try
        {
            Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", path);
            Check(posix_spawnattr_init(attr), "posix_spawnattr_init", path);
            foreach (var fd in fds)
            {
                if (fd.Source is not null)
                {
                    Check(posix_spawn_file_actions_adddup2(actions, fd.Source.Fd, fd.Target), "posix_spawn_file_actions_adddup2", path);
                }
                else
                {
                    byte[] openPath = NullTerminated(fd.OpenPath!);
                    pins.Add(GCHandle.Alloc(openPath, GCHandleType.Pinned));
                    fixed (byte* p = openPath)
                    {
                        // glibc copies the path.
                        Check(posix_spawn_file_actions_addopen(actions, fd.Target, p, fd.OpenFlags, 0), "posix_spawn_file_actions_addopen", fd.OpenPath);
                    }
                }
            }
            sigemptyset(mask);
            sigfillset(defaults);
            sigdelset(defaults, SIGKILL);
            sigdelset(defaults, SIGSTOP);
            Check(posix_spawnattr_setsigmask(attr, mask), "posix_spawnattr_setsigmask", path);
            Check(posix_spawnattr_setsigdefault(attr, defaults), "posix_spawnattr_setsigdefault", path);
            Check(posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags", path);

            byte** argvp = stackalloc byte*[argv.Count + 1];
            byte** envpp = stackalloc byte*[envp.Count + 1];
            for (int i = 0; i < argv.Count; i++)
            {
                argvp[i] = Pin(argv[i], pins);
            }
            argvp[argv.Count] = null;
            for (int i = 0; i < envp.Count; i++)
            {
                envpp[i] = Pin(envp[i], pins);
            }
            envpp[envp.Count] = null;
            byte* pathp = Pin(path, pins);

            int pid;
            int rc = posix_spawn(&pid, pathp, actions, attr, argvp, envpp);
            if (rc != 0)
            {
                throw Error(rc, "posix_spawn", path);
            }
            return pid;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            posix_spawnattr_destroy(attr);
            foreach (var pin in pins)
            {
                pin.Free();
            }
        }
    }

    private static byte* Pin(string s, List<GCHandle> pins)
    {
        var handle = GCHandle.Alloc(NullTerminated(s), GCHandleType.Pinned);
        pins.Add(handle);
        return (byte*)handle.AddrOfPinnedObject();
    }

    private static void Check(int rc, string operation, string? path)
    {
        if (rc != 0)
        {
            throw Error(rc, operation, path);
        }
    }

    public static SafeFdHandle PidfdOpen(int pid)
    {
        long fd = (long)(ssize_t)LibC.syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
        {
            throw Error("pidfd_open", $"pid {pid}");
        }
        return new SafeFdHandle((int)fd);
    }

    /// <summary>kill(2) by pid, for processes found in a cgroup (no pidfd is held for them); false when gone.</summary>
    public static bool Kill(int pid, int signal)
    {
        if (LibC.kill(pid, signal) == 0)
        {
            return true;
        }
        int errno = LibC.errno;
        return errno == ESRCH ? false : throw Error(errno, "kill", $"pid {pid}");
    }

    /// <summary>pidfd_send_signal; returns false when the process is gone (ESRCH).</summary>
    public static bool PidfdSendSignal(SafeFdHandle pidfd, int signal)
    {
        long rc = (long)(ssize_t)LibC.syscall(SYS_pidfd_send_signal, pidfd.Fd, signal, 0, 0);
        if (rc == 0)
        {
            return true;
        }
        int errno = LibC.errno;
        if (errno == ESRCH)
        {
            return false;
        }
        throw Error(errno, "pidfd_send_signal", $"signal {signal}");
    }

    /// <summary>
    /// waitid(P_PIDFD, WEXITED|extra): reaps the child and returns Docker's exit code (status, or 128+signal),
    /// or null when nothing was reaped (WNOHANG and still running). ECHILD (someone else reaped it) gives -1.
    /// </summary>
    public static int? WaitPidfd(SafeFdHandle pidfd, bool noHang)
    {
        const int WNOHANG = 1;
        byte* info = stackalloc byte[128];
        new Span<byte>(info, 128).Clear();
        while (true)
        {
            int rc = waitid(P_PIDFD, (uint)pidfd.Fd, info, WEXITED | (noHang ? WNOHANG : 0));
            if (rc == 0)
            {
                break;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR)
            {
                continue;
            }
            if (errno == ECHILD)
            {
                return -1;
            }
            throw Error(errno, "waitid(P_PIDFD)");
        }
        // siginfo_t: si_signo @0, si_errno @4, si_code @8, si_pid @16, si_uid @20, si_status @24.
        int pid = *(int*)(info + 16);
        if (pid == 0)
        {
            return null;
        }
        int code = *(int*)(info + 8);
        int status = *(int*)(info + 24);
        return code switch
        {
            CLD_EXITED => status,
            CLD_KILLED or CLD_DUMPED => 128 + status,
            _ => status,
        };
    }
}
