using Engine.Storage.Interop;

namespace Engine.Storage.Drivers;

/// <summary>Whole-tree operations that keep everything a layer holds: owners, modes, times, xattrs, hard links, devices.</summary>
internal static class FileTree
{
    /// <summary>Copies <paramref name="source"/> into the existing directory <paramref name="target"/>.</summary>
    public static void Copy(string source, string target)
    {
        var isRoot = Sys.EffectiveUid == 0;
        var links = new Dictionary<(ulong, ulong), string>();
        CopyDirectoryContents(source, target, links, isRoot);
        CopyMetadata(source, target, Sys.LStatOrThrow(source), isRoot);
    }

    private static void CopyDirectoryContents(string source, string target, Dictionary<(ulong, ulong), string> links, bool isRoot)
    {
        foreach (var src in Directory.EnumerateFileSystemEntries(source))
        {
            var name = Path.GetFileName(src);
            var dst = target + "/" + name;
            var st = Sys.LStatOrThrow(src);
            switch (st.Type)
            {
                case FileStatus.S_IFDIR:
                    Directory.CreateDirectory(dst);
                    CopyDirectoryContents(src, dst, links, isRoot);
                    break;
                case FileStatus.S_IFREG:
                    if (st.NLink > 1 && links.TryGetValue((st.Device, st.Inode), out var first))
                    {
                        Sys.Link(first, dst);
                        continue; // the inode's metadata is already set
                    }
                    File.Copy(src, dst);
                    if (st.NLink > 1)
                    {
                        links[(st.Device, st.Inode)] = dst;
                    }
                    break;
                case FileStatus.S_IFLNK:
                    File.CreateSymbolicLink(dst, Sys.ReadLink(src));
                    break;
                case FileStatus.S_IFCHR or FileStatus.S_IFBLK:
                    if (!isRoot)
                    {
                        continue;
                    }
                    Sys.MkNod(dst, st.Mode, st.RDev);
                    break;
                default:
                    Sys.MkNod(dst, st.Mode, st.RDev);
                    break;
            }
            CopyMetadata(src, dst, st, isRoot);
        }
    }

    private static void CopyMetadata(string src, string dst, FileStatus st, bool isRoot)
    {
        if (isRoot)
        {
            Sys.LChown(dst, st.Uid, st.Gid);
        }
        foreach (var name in Sys.LListXattr(src))
        {
            if (Sys.LGetXattr(src, name) is { } value)
            {
                try
                {
                    Sys.LSetXattr(dst, name, value);
                }
                catch (SystemCallException e) when (e.Errno is Sys.ENOTSUP or Sys.EPERM)
                {
                }
            }
        }
        if (!st.IsSymlink)
        {
            Sys.Chmod(dst, st.Permissions);
        }
        Sys.LUtimes(dst, st.AtimeSec, st.AtimeNsec, st.MtimeSec, st.MtimeNsec);
    }

    /// <summary>
    /// Deletes a tree without following symlinks and without crossing into another file system (a mount left
    /// behind inside a layer must never have its contents deleted).
    /// </summary>
    public static void RemoveAll(string path)
    {
        if (Sys.LStat(path) is not { } st)
        {
            return;
        }
        if (!st.IsDirectory)
        {
            File.Delete(path);
            return;
        }
        RemoveDirectory(path, st.Device);
    }

    private static void RemoveDirectory(string path, ulong device)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(path))
        {
            var st = Sys.LStatOrThrow(entry);
            if (st.IsDirectory)
            {
                if (st.Device != device)
                {
                    throw new IOException($"refusing to remove {entry}: another file system is mounted there");
                }
                RemoveDirectory(entry, device);
            }
            else
            {
                File.Delete(entry);
            }
        }
        Directory.Delete(path);
    }

    /// <summary>Bytes of regular files under <paramref name="path"/>, each inode counted once.</summary>
    public static long Size(string path)
    {
        var seen = new HashSet<(ulong, ulong)>();
        long total = 0;
        var stack = new Stack<string>();
        stack.Push(path);
        while (stack.Count > 0)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(stack.Pop()))
            {
                var st = Sys.LStatOrThrow(entry);
                if (st.IsDirectory)
                {
                    stack.Push(entry);
                }
                else if (st.IsRegular && (st.NLink == 1 || seen.Add((st.Device, st.Inode))))
                {
                    total += st.Size;
                }
            }
        }
        return total;
    }
}
