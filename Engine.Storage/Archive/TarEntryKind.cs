using System.Formats.Tar;
using Engine.Storage.Interop;

namespace Engine.Storage.Archive;

/// <summary>How a file found on disk is written to a tar, the way Docker archives it.</summary>
internal static class TarEntryKind
{
    /// <summary>
    /// The entry type for a file as lstat saw it: directories get a trailing '/' on <paramref name="name"/>; a
    /// regular file whose inode was written before becomes a hard link to that first name (recorded in
    /// <paramref name="links"/>); symlinks carry their target. Null for sockets, which are not archived.
    /// </summary>
    public static TarEntryType? Classify(string path, ref string name, FileStatus st, Dictionary<(ulong, ulong), string> links, out string? linkName)
    {
        linkName = null;
        switch (st.Type)
        {
            case FileStatus.S_IFDIR:
                name += "/";
                return TarEntryType.Directory;
            case FileStatus.S_IFREG:
                if (st.NLink > 1 && links.TryGetValue((st.Device, st.Inode), out var first))
                {
                    linkName = first;
                    return TarEntryType.HardLink;
                }
                if (st.NLink > 1)
                {
                    links[(st.Device, st.Inode)] = name;
                }
                return TarEntryType.RegularFile;
            case FileStatus.S_IFLNK:
                linkName = Sys.ReadLink(path);
                return TarEntryType.SymbolicLink;
            case FileStatus.S_IFCHR:
                return TarEntryType.CharacterDevice;
            case FileStatus.S_IFBLK:
                return TarEntryType.BlockDevice;
            case FileStatus.S_IFIFO:
                return TarEntryType.Fifo;
            default:
                return null;
        }
    }
}
