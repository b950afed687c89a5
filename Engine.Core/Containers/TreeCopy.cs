namespace Engine.Core.Containers;

/// <summary>Copies a directory tree keeping modes, owners and symlinks (the image content of a new volume).</summary>
internal static class TreeCopy
{
    public static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        CopyAttributes(source, destination);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(destination, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
                Interop.Interop.ChangeOwner(target, entry.FullName, followLinks: false);
            }
            else if (entry is DirectoryInfo)
            {
                Copy(entry.FullName, target);
            }
            else if (entry is FileInfo file && (file.Attributes & FileAttributes.Device) == 0)
            {
                file.CopyTo(target, overwrite: true);
                CopyAttributes(entry.FullName, target);
            }
        }
    }

    private static void CopyAttributes(string source, string destination)
    {
        File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
        Interop.Interop.ChangeOwner(destination, source, followLinks: true);
    }
}
