using System.Net.Sockets;

namespace Engine.Host;

/// <summary>The unix socket file: removed when stale or at exit, mode 660 while served.</summary>
internal static class UnixSocketFile
{
    /// <summary>True when something accepts connections on the socket (another engine is serving it).</summary>
    public static bool IsLive(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static void DeleteStale(string path)
    {
        try
        {
            if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                File.Delete(path);
            }
        }
        catch (FileNotFoundException)
        {
        }
    }

    public static void RestrictToOwnerAndGroup(string path)
        => File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
}
