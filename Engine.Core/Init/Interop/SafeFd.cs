using System.Runtime.InteropServices;

namespace Engine.Init.Interop;

/// <summary>An owned file descriptor.</summary>
internal sealed class SafeFd : SafeHandle
{
    public SafeFd(int fd, bool ownsHandle = true)
        : base(new IntPtr(-1), ownsHandle)
    {
        SetHandle(new IntPtr(fd));
    }

    public override bool IsInvalid => handle.ToInt64() < 0;

    public int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => Sys.CloseRaw(Fd) == 0;
}
