using Engine.Storage.Archive;
using Engine.Storage.Interop;

namespace Engine.Storage.Drivers;

/// <summary>
/// A layer's changes with Docker's meaning: added, modified, deleted paths (absolute, inside the container),
/// and every directory holding a change reported as modified (so its metadata is carried); directories are
/// not changed by a different mtime or size alone.
/// </summary>
internal static class LayerChanges
{
    private const string Capability = "security.capability";

    /// <summary>Compares a full layer directory with its parent's (vfs).</summary>
    public static IReadOnlyList<Change> Compare(string layerDir, string? parentDir)
    {
        var changes = new Dictionary<string, ChangeKind>(StringComparer.Ordinal);
        CompareDirectory(layerDir, parentDir, "", changes);
        return Sorted(changes);
    }

    /// <returns>True when something at or below <paramref name="rel"/> changed.</returns>
    private static bool CompareDirectory(string newDir, string? oldDir, string rel, Dictionary<string, ChangeKind> changes)
    {
        var newNames = new HashSet<string>(Directory.EnumerateFileSystemEntries(newDir).Select(p => Path.GetFileName(p)!), StringComparer.Ordinal);
        var oldNames = oldDir is null
            ? []
            : new HashSet<string>(Directory.EnumerateFileSystemEntries(oldDir).Select(p => Path.GetFileName(p)!), StringComparer.Ordinal);
        var any = false;
        foreach (var name in oldNames)
        {
            if (!newNames.Contains(name))
            {
                changes[rel + "/" + name] = ChangeKind.Delete;
                any = true;
            }
        }
        foreach (var name in newNames)
        {
            var childRel = rel + "/" + name;
            var newPath = newDir + "/" + name;
            var ns = Sys.LStatOrThrow(newPath);
            var oldPath = oldDir is not null && oldNames.Contains(name) ? oldDir + "/" + name : null;
            var os = oldPath is null ? null : Sys.LStat(oldPath);
            if (os is null)
            {
                changes[childRel] = ChangeKind.Add;
                any = true;
                if (ns.IsDirectory)
                {
                    CompareDirectory(newPath, null, childRel, changes);
                }
                continue;
            }
            var o = os.Value;
            var differs = Differs(newPath, ns, oldPath!, o);
            if (differs)
            {
                changes[childRel] = ChangeKind.Modify;
                any = true;
            }
            if (ns.IsDirectory)
            {
                var inner = CompareDirectory(newPath, o.IsDirectory ? oldPath : null, childRel, changes);
                if (inner && !changes.ContainsKey(childRel))
                {
                    changes[childRel] = ChangeKind.Modify;
                }
                any |= inner;
            }
        }
        return any;
    }

    private static bool Differs(string newPath, FileStatus n, string oldPath, FileStatus o)
    {
        if (n.Mode != o.Mode || n.Uid != o.Uid || n.Gid != o.Gid || n.RDev != o.RDev)
        {
            return true;
        }
        if (!n.IsDirectory && (n.MtimeSec != o.MtimeSec || n.MtimeNsec != o.MtimeNsec || n.Size != o.Size))
        {
            return true;
        }
        if (n.IsSymlink && Sys.ReadLink(newPath) != Sys.ReadLink(oldPath))
        {
            return true;
        }
        return !(Sys.LGetXattr(newPath, Capability) ?? []).AsSpan().SequenceEqual(Sys.LGetXattr(oldPath, Capability) ?? []);
    }

    /// <summary>Reads an overlay upper directory: whiteouts are deletions, the rest added or modified by what lies below.</summary>
    public static IReadOnlyList<Change> FromOverlay(OverlayDriver driver, string id)
    {
        var upper = driver.DiffDir(id);
        var lowers = driver.LowerDirs(id);
        var changes = new Dictionary<string, ChangeKind>(StringComparer.Ordinal);
        WalkUpper(upper, "", lowers, changes);
        return Sorted(changes);
    }

    private static void WalkUpper(string dir, string rel, IReadOnlyList<string> lowers, Dictionary<string, ChangeKind> changes)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(dir))
        {
            var childRel = rel + "/" + Path.GetFileName(path);
            var st = Sys.LStatOrThrow(path);
            ChangeKind kind;
            if (st.IsWhiteout)
            {
                kind = ChangeKind.Delete;
            }
            else if (st.IsDirectory && IsOpaque(path) && lowers.Any(l => Sys.LStat(l + childRel) is not null))
            {
                kind = ChangeKind.Delete; // deleted and made again: Docker reports the directory as deleted, its content as added
            }
            else
            {
                kind = ChangeKind.Add;
                foreach (var lower in lowers)
                {
                    if (Sys.LStat(lower + childRel) is { } below)
                    {
                        if (below.IsWhiteout)
                        {
                            break; // deleted below: added again
                        }
                        kind = ChangeKind.Modify;
                        if (below.IsDirectory && st.IsDirectory && below.Mode == st.Mode && below.Uid == st.Uid && below.Gid == st.Gid)
                        {
                            kind = (ChangeKind)(-1); // a directory that only holds changes
                        }
                        break;
                    }
                }
            }
            if (kind >= 0)
            {
                changes[childRel] = kind;
                // Every directory holding a change is reported as modified, so its metadata travels with the diff.
                for (var parent = rel; parent.Length > 0; parent = parent[..parent.LastIndexOf('/')])
                {
                    if (!changes.TryAdd(parent, ChangeKind.Modify))
                    {
                        break;
                    }
                }
            }
            if (st.IsDirectory)
            {
                WalkUpper(path, childRel, kind == ChangeKind.Delete ? [] : lowers, changes);
            }
        }
    }

    internal static bool IsOpaque(string dir) =>
        Sys.LGetXattr(dir, LayerApplier.OverlayOpaqueXattr) is [(byte)'y'];

    private static List<Change> Sorted(Dictionary<string, ChangeKind> changes) =>
        [.. changes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new Change(c.Key, c.Value))];

    /// <summary>Bytes of regular files added or modified.</summary>
    public static long SizeOf(string layerDir, IReadOnlyList<Change> changes)
    {
        long size = 0;
        var seen = new HashSet<(ulong, ulong)>();
        foreach (var change in changes)
        {
            if (change.Kind == ChangeKind.Delete)
            {
                continue;
            }
            if (Sys.LStat(layerDir + change.Path) is { IsRegular: true } st && seen.Add((st.Device, st.Inode)))
            {
                size += st.Size;
            }
        }
        return size;
    }
}
