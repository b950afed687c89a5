using Tmds.Linux;

namespace Engine.Core.Interop;

/// <summary>Terminal ioctls.</summary>
internal static unsafe partial class Interop
{
    private const int TIOCSWINSZ = 0x5414;

    public static void SetWindowSize(SafeFdHandle pty, ushort rows, ushort columns)
    {
        winsize ws = default;
        ws.ws_row = rows;
        ws.ws_col = columns;
        while (LibC.ioctl(pty.Fd, TIOCSWINSZ, &ws) != 0)
        {
            if (LibC.errno != EINTR)
            {
                throw Error("ioctl(TIOCSWINSZ)");
            }
        }
    }
}
