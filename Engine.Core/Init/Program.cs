using System.Text;
using Engine.Core.Runtime;
using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>PID 1 of every container (and the first process of every exec). See README.md.</summary>
internal static class Program
{
    private const int ExitFailure = 127;

    private static int Main()
    {
        ControlChannel? channel = null;
        try
        {
            channel = new ControlChannel();
            var spec = channel.ReadSpec();
            // Reject a bad spec before the engine wires anything.
            Capabilities.Parse(spec.Capabilities);
            foreach (var limit in spec.Rlimits)
            {
                Rlimits.Resource(limit.Name);
            }
            switch (spec.Mode)
            {
                case "container":
                    RunContainer(spec, channel);
                    break;
                case "exec":
                    RunExec(spec, channel);
                    break;
                default:
                    throw new InitException($"engine-init: unknown mode \"{spec.Mode}\"");
            }
        }
        catch (GoNotReceivedException)
        {
            // The engine gave up on us; nothing to tell it.
        }
        catch (Exception e)
        {
            Report(channel, e.Message);
        }
        return ExitFailure;
    }

    private static void RunContainer(InitSpec spec, ControlChannel channel)
    {
        RootFs.Mount(spec);
        if (spec.Process.Tty)
        {
            int number = Pty.Setup(spec.RootFs.TrimEnd('/') + "/dev/pts", spec.Process, channel);
            RootFs.BindConsole(spec.RootFs, number);
        }
        RootFs.PivotRoot(spec.RootFs);
        // Docker creates WorkingDir; before a read-only remount of the root.
        SecurePath.Create("/", ProcessLauncher.WorkingDirectory(spec.Process), file: false);
        RootFs.Harden(spec);
        if (spec.Hostname.Length > 0)
        {
            Sys.Sethostname(spec.Hostname);
        }
        if (spec.Domainname.Length > 0)
        {
            Sys.Setdomainname(spec.Domainname);
        }
        ReadyAndWait(channel);
        ProcessLauncher.Exec(spec);
    }

    private static void RunExec(InitSpec spec, ControlChannel channel)
    {
        if (spec.MountNamespace.Length > 0)
        {
            Sys.JoinMountNamespace(spec.MountNamespace);
        }
        if (spec.Process.Tty)
        {
            Pty.Setup("/dev/pts", spec.Process, channel);
        }
        ReadyAndWait(channel);
        ProcessLauncher.Exec(spec);
    }

    private static void ReadyAndWait(ControlChannel channel)
    {
        channel.Send("ready");
        if (!channel.WaitForGo())
        {
            throw new GoNotReceivedException();
        }
    }

    private static void Report(ControlChannel? channel, string message)
    {
        try
        {
            if (channel is not null)
            {
                channel.Send("error", message);
                return;
            }
        }
        catch (SyscallException)
        {
            // Fall back to stderr below.
        }
        Sys.WriteStderr(Encoding.UTF8.GetBytes("engine-init: " + message + "\n"));
    }

    private sealed class GoNotReceivedException : Exception
    {
    }
}
