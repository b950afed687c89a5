using Engine.Core.Runtime;
using Engine.Init.Interop;

namespace Engine.Init;

/// <summary>The process's terminal: made in the container's devpts, master to the engine, slave as stdio and controlling terminal.</summary>
internal static class Pty
{
    /// <param name="ptsDir">The devpts directory (host path before pivot_root, "/dev/pts" in exec mode).</param>
    /// <returns>The pty number (the slave is ptsDir/N).</returns>
    public static int Setup(string ptsDir, InitProcess process, ControlChannel channel)
    {
        int number;
        SafeFd slave;
        using (var master = Sys.Open(ptsDir + "/ptmx", Sys.O_RDWR | Sys.O_NOCTTY))
        {
            Sys.Unlockpt(master);
            number = Sys.PtyNumber(master);
            slave = Sys.OpenPtyPeer(master, Sys.O_RDWR | Sys.O_NOCTTY) ?? Sys.Open($"{ptsDir}/{number}", Sys.O_RDWR | Sys.O_NOCTTY);
            if (process.TtyRows != 0 && process.TtyColumns != 0)
            {
                Sys.SetWindowSize(slave, process.TtyRows, process.TtyColumns);
            }
            channel.Send("pty", passFd: master);
        }
        using (slave)
        {
            Sys.Setsid();
            Sys.SetControllingTerminal(slave);
            Sys.Dup2(slave, 0);
            Sys.Dup2(slave, 1);
            Sys.Dup2(slave, 2);
        }
        return number;
    }
}
