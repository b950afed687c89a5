using System.Runtime.InteropServices;

namespace Engine.Core.Interop;

/// <summary>An owned file descriptor.</summary>
internal sealed class SafeFdHandle : SafeHandle
{
    public SafeFdHandle() : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    public SafeFdHandle(int fd, bool ownsHandle = true) : base(new IntPtr(-1), ownsHandle) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The descriptor number; valid only while the handle is alive.</summary>
    public int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => Tmds.Linux.LibC.close((int)handle.ToInt64()) == 0;
}
