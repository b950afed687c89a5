namespace Engine.Host;

/// <summary>The unix socket file: removed when stale or at exit, mode 660 while served.</summary>
internal static class UnixSocketFile
{
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
