using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>unshare and setns: they act on the calling thread only.</summary>
internal static unsafe partial class Interop
{
    public const int CLONE_FS = 0x00000200;
    public const int CLONE_NEWNS = 0x00020000;
    public const int CLONE_NEWCGROUP = 0x02000000;
    public const int CLONE_NEWUTS = 0x04000000;
    public const int CLONE_NEWIPC = 0x08000000;
    public const int CLONE_NEWPID = 0x20000000;
    public const int CLONE_NEWNET = 0x40000000;

    public static void Unshare(int flags)
    {
        if (LibC.unshare(flags) != 0)
        {
            throw Error("unshare", $"0x{flags:x}");
        }
    }

    /// <summary>Joins the namespace at <paramref name="path"/> (/proc/PID/ns/...).</summary>
    public static void SetNs(SafeFdHandle ns, int nstype, string path)
    {
        if (LibC.setns(ns.Fd, nstype) != 0)
        {
            throw Error("setns", path);
        }
    }
}
