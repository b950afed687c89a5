using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Engine.Core.Runtime;

namespace Engine.Core.Tests.Init;

/// <summary>
/// Runs engine-init (copied beside the test assembly by Engine.Core) the way the engine does, without the engine:
/// a SOCK_SEQPACKET pair with the child's end on fd 3, stdout and stderr on one pipe, optionally under
/// `unshare --mount --uts --ipc --net --pid --fork` for container mode.
/// </summary>
internal static class InitHarness
{
    /// <param name="TtyOutput">What the process wrote to its terminal (read from the pty master of the `pty` message), or null.</param>
    public sealed record Result(IReadOnlyList<InitMessage> Messages, string Output, int ExitCode, string? TtyOutput);

    public static string InitPath
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "engine-init");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build Engine.Core without SkipEngineInit.");
        }
    }

    /// <summary>Sends <paramref name="spec"/>, answers "ready" with "go", collects messages until EOF or "error", waits for the exit.</summary>
    public static Result Run(InitSpec spec, bool inNewNamespaces)
    {
        var pair = new int[2];
        Check(socketpair(1 /* AF_UNIX */, 5 /* SOCK_SEQPACKET */ | 0x80000 /* SOCK_CLOEXEC */, 0, pair), "socketpair");
        var pipe = new int[2];
        Check(pipe2(pipe, 0x80000 /* O_CLOEXEC */), "pipe2");

        string[] argv = inNewNamespaces
            ? ["unshare", "--mount", "--uts", "--ipc", "--net", "--pid", "--fork", InitPath]
            : [InitPath];
        string program = inNewNamespaces ? "/usr/bin/unshare" : InitPath;

        int pid;
        var actions = new byte[256];
        Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try
        {
            Check(posix_spawn_file_actions_addopen(actions, 0, "/dev/null", 0, 0), "addopen");
            Check(posix_spawn_file_actions_adddup2(actions, pipe[1], 1), "adddup2");
            Check(posix_spawn_file_actions_adddup2(actions, pipe[1], 2), "adddup2");
            Check(posix_spawn_file_actions_adddup2(actions, pair[1], 3), "adddup2");
            var env = new[] { "PATH=/usr/sbin:/usr/bin:/sbin:/bin" };
            Check(posix_spawn(out pid, program, actions, IntPtr.Zero, argv.Append(null).ToArray(), env.Append(null).ToArray()), "posix_spawn");
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            close(pair[1]);
            close(pipe[1]);
        }

        var messages = new List<InitMessage>();
        int control = pair[0];
        int master = -1;
        try
        {
            Send(control, JsonSerializer.SerializeToUtf8Bytes(spec, InitJsonContext.Default.InitSpec));
            while (true)
            {
                var (packet, passedFd) = ReceiveWithFd(control);
                if (packet.Length == 0)
                {
                    break;
                }
                if (passedFd >= 0)
                {
                    master = passedFd;
                }
                var message = JsonSerializer.Deserialize(packet, InitJsonContext.Default.InitMessage)!;
                messages.Add(message);
                if (message.Type == "ready")
                {
                    Send(control, JsonSerializer.SerializeToUtf8Bytes(new InitMessage { Type = "go" }, InitJsonContext.Default.InitMessage));
                }
                else if (message.Type == "error")
                {
                    break;
                }
            }
        }
        finally
        {
            close(control);
        }

        using var output = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(pipe[0], ownsHandle: true), FileAccess.Read);
        using var reader = new StreamReader(output, Encoding.UTF8);
        string text = reader.ReadToEnd();
        int status;
        while (waitpid(pid, out status, 0) == -1 && Marshal.GetLastPInvokeError() == 4 /* EINTR */)
        {
        }
        int exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
        return new Result(messages, text, exitCode, master >= 0 ? ReadPty(master) : null);
    }

    // The slave is closed once the process exited: the master yields what is buffered, then EIO.
    private static string ReadPty(int master)
    {
        var output = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            nint n = read(master, buffer, (nuint)buffer.Length);
            if (n <= 0)
            {
                break;
            }
            output.Write(buffer, 0, (int)n);
        }
        close(master);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    // recvmsg with room for one SCM_RIGHTS descriptor; msghdr, iovec and cmsghdr laid out by hand (64-bit Linux).
    private static (byte[] Packet, int Fd) ReceiveWithFd(int fd)
    {
        const int bufferSize = 65536, controlSize = 24;
        nint memory = Marshal.AllocHGlobal(56 + 16 + controlSize + bufferSize);
        try
        {
            nint msg = memory, iov = memory + 56, control = iov + 16, data = control + controlSize;
            for (int i = 0; i < 56 + 16 + controlSize; i += 8)
            {
                Marshal.WriteInt64(memory + i, 0);
            }
            Marshal.WriteIntPtr(iov, data);
            Marshal.WriteInt64(iov + 8, bufferSize);
            Marshal.WriteIntPtr(msg + 16, iov);
            Marshal.WriteInt64(msg + 24, 1);
            Marshal.WriteIntPtr(msg + 32, control);
            Marshal.WriteInt64(msg + 40, controlSize);
            nint n = recvmsg(fd, msg, 0);
            if (n < 0)
            {
                throw new InvalidOperationException($"recvmsg: errno {Marshal.GetLastPInvokeError()}");
            }
            var packet = new byte[n];
            Marshal.Copy(data, packet, 0, (int)n);
            bool hasFd = Marshal.ReadInt64(msg + 40) >= 20 && Marshal.ReadInt32(control + 8) == 1 && Marshal.ReadInt32(control + 12) == 1;
            return (packet, hasFd ? Marshal.ReadInt32(control + 16) : -1);
        }
        finally
        {
            Marshal.FreeHGlobal(memory);
        }
    }

    private static void Send(int fd, byte[] data)
    {
        Check((int)send(fd, data, (nuint)data.Length, 0x4000 /* MSG_NOSIGNAL */), "send");
    }

    private static void Check(int result, string operation)
    {
        if (result == -1)
        {
            throw new InvalidOperationException($"{operation}: errno {Marshal.GetLastPInvokeError()}");
        }
        if (result > 0 && operation.StartsWith("posix_spawn", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{operation}: errno {result}");
        }
    }

    // DllImport: the test project does not allow unsafe code; every argument here is blittable or a string.
    [DllImport("libc", SetLastError = true)]
    private static extern int socketpair(int domain, int type, int protocol, int[] fds);

    [DllImport("libc", SetLastError = true)]
    private static extern int pipe2(int[] fds, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern nint send(int fd, byte[] buf, nuint length, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint recvmsg(int fd, nint msg, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, [Out] byte[] buf, nuint length);

    [DllImport("libc", SetLastError = true)]
    private static extern int waitpid(int pid, out int status, int options);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_init([In, Out] byte[] actions);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_destroy([In, Out] byte[] actions);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_adddup2([In, Out] byte[] actions, int fd, int newFd);

    [DllImport("libc")]
    private static extern int posix_spawn_file_actions_addopen([In, Out] byte[] actions, int fd, string path, int flags, uint mode);

    [DllImport("libc")]
    private static extern int posix_spawn(out int pid, string path, byte[] actions, IntPtr attributes, string?[] argv, string?[] envp);
}
