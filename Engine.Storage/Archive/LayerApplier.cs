using System.Formats.Tar;
using System.Text;
using Engine.Storage.Errors;
using Engine.Storage.Interop;

namespace Engine.Storage.Archive;

/// <summary>
/// Applies a layer tar to a directory, streaming, as Docker's UnpackLayer does inside its chroot: every parent
/// path is resolved inside the root, names and hard links that climb out are rejected, whiteouts are turned
/// into the driver's form. Reads the tar only once and never buffers file contents.
/// </summary>
public static class LayerApplier
{
    public const string WhiteoutPrefix = ".wh.";
    public const string WhiteoutMetaPrefix = ".wh..wh.";
    public const string OpaqueMarker = ".wh..wh..opq";
    public const string OverlayOpaqueXattr = "trusted.overlay.opaque";
    private const string XattrPaxPrefix = "SCHILY.xattr.";

    /// <summary>
    /// Applies <paramref name="tar"/> (uncompressed) under <paramref name="root"/>; returns the bytes of regular files written.
    /// With <paramref name="noOverwriteDirNonDir"/> (docker cp), an entry that would replace a directory with a
    /// non-directory or the other way round fails with InvalidParameter, as Docker's NoOverwriteDirNonDir.
    /// </summary>
    public static async Task<long> ApplyAsync(Stream tar, string root, WhiteoutMode mode, CancellationToken cancellationToken = default, TarSplitRecorder? recorder = null, bool noOverwriteDirNonDir = false)
    {
        root = Path.GetFullPath(root).TrimEnd('/');
        if (root.Length == 0)
        {
            throw new ArgumentException("refusing to apply a layer to /", nameof(root));
        }
        var isRoot = Sys.EffectiveUid == 0;
        var unpacked = new HashSet<string>(StringComparer.Ordinal);
        var directories = new List<(string Path, TarEntry Entry)>();
        long size = 0;

        var reader = new TarReader(tar, leaveOpen: true);
        await using var _ = reader.ConfigureAwait(false);
        while (true)
        {
            TarEntry? entry;
            try
            {
                entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException)
            {
                throw EngineException.Invalid($"invalid tar header: {e.Message}");
            }
            if (entry is null)
            {
                break;
            }
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }

            var rel = RootPath.CleanEntryName(entry.Name);
            if (rel.Length == 0)
            {
                continue; // the root itself: Docker leaves it alone
            }
            var slash = rel.LastIndexOf('/');
            var parentRel = slash < 0 ? "" : rel[..slash];
            var baseName = slash < 0 ? rel : rel[(slash + 1)..];

            if (mode != WhiteoutMode.None && baseName.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                ApplyWhiteout(root, parentRel, baseName, entry, mode, unpacked, isRoot);
                continue;
            }

            var parent = RootPath.Resolve(root, parentRel, create: true);
            var path = parent + "/" + baseName;
            var existing = Sys.LStat(path);
            if (noOverwriteDirNonDir && existing is { } current && current.IsDirectory != (entry.EntryType == TarEntryType.Directory))
            {
                throw EngineException.Invalid(current.IsDirectory
                    ? $"cannot overwrite directory \"/{rel}\" with non-directory \"{entry.Name}\""
                    : $"cannot overwrite non-directory \"/{rel}\" with directory \"{entry.Name}\"");
            }
            if (existing is { } ex && !(ex.IsDirectory && entry.EntryType == TarEntryType.Directory))
            {
                RemoveAll(path, ex);
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    if (existing is not { IsDirectory: true })
                    {
                        Directory.CreateDirectory(path);
                    }
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    var fs = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous });
                    await using (fs.ConfigureAwait(false))
                    {
                        if (entry.DataStream is { } data)
                        {
                            try
                            {
                                recorder?.BeginPayload(RelativeTo(root, path));
                                await data.CopyToAsync(fs, cancellationToken).ConfigureAwait(false);
                                recorder?.EndPayload(entry.Length);
                            }
                            catch (EndOfStreamException e)
                            {
                                throw EngineException.Invalid($"unexpected end of archive in \"{entry.Name}\": {e.Message}");
                            }
                        }
                        if (fs.Length != entry.Length)
                        {
                            throw EngineException.Invalid($"unexpected end of archive in \"{entry.Name}\": {fs.Length} of {entry.Length} bytes");
                        }
                        size += fs.Length;
                    }
                    break;
                case TarEntryType.SymbolicLink:
                    if (!entry.LinkName.StartsWith('/') && RootPath.Escapes(parentRel, entry.LinkName))
                    {
                        throw RootPath.Breakout(entry.Name + " -> " + entry.LinkName);
                    }
                    File.CreateSymbolicLink(path, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    {
                        string targetRel;
                        try
                        {
                            targetRel = RootPath.CleanEntryName(entry.LinkName);
                        }
                        catch (EngineException)
                        {
                            throw RootPath.Breakout(entry.Name + " => " + entry.LinkName);
                        }
                        var target = ResolveNoFollow(root, targetRel);
                        if (targetRel.Length == 0 || Sys.LStat(target) is not { IsDirectory: false })
                        {
                            throw EngineException.Invalid($"invalid hard link \"{entry.Name}\": its target \"{entry.LinkName}\" is not in the archive");
                        }
                        Sys.Link(target, path);
                        break;
                    }
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                    if (!isRoot || mode == WhiteoutMode.None)
                    {
                        continue; // as Docker in a user namespace: devices cannot be made, skip them (and never in an image archive)
                    }
                    var dev = (PosixTarEntry)entry;
                    Sys.MkNod(path, (entry.EntryType == TarEntryType.CharacterDevice ? FileStatus.S_IFCHR : FileStatus.S_IFBLK) | ModeBits(entry),
                        Sys.MakeDev((uint)dev.DeviceMajor, (uint)dev.DeviceMinor));
                    break;
                case TarEntryType.Fifo:
                    if (mode == WhiteoutMode.None)
                    {
                        continue;
                    }
                    Sys.MkNod(path, FileStatus.S_IFIFO | ModeBits(entry), 0);
                    break;
                default:
                    throw EngineException.Invalid($"unhandled tar header type {(char)entry.EntryType} for \"{entry.Name}\"");
            }

            ApplyMetadata(path, entry, isRoot, root);
            unpacked.Add(RelativeTo(root, path));
            if (entry.EntryType == TarEntryType.Directory)
            {
                directories.Add((path, entry));
            }
        }

        // Directory times last: creating their children changed them.
        foreach (var (path, entry) in directories)
        {
            SetTimes(path, entry);
        }
        return size;
    }

    private static void ApplyWhiteout(string root, string parentRel, string baseName, TarEntry entry, WhiteoutMode mode, HashSet<string> unpacked, bool isRoot)
    {
        if (baseName == OpaqueMarker)
        {
            var dir = RootPath.Resolve(root, parentRel, create: true);
            if (mode == WhiteoutMode.Overlay)
            {
                Sys.LSetXattr(dir, OverlayOpaqueXattr, "y"u8);
                return;
            }
            foreach (var child in Directory.EnumerateFileSystemEntries(dir))
            {
                if (!unpacked.Contains(RelativeTo(root, child)))
                {
                    RemoveAll(child, Sys.LStatOrThrow(child));
                }
            }
            return;
        }
        if (baseName.StartsWith(WhiteoutMetaPrefix, StringComparison.Ordinal))
        {
            return; // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not content
        }
        var name = baseName[WhiteoutPrefix.Length..];
        if (name.Length == 0 || name == "." || name == "..")
        {
            throw EngineException.Invalid($"invalid whiteout entry \"{entry.Name}\"");
        }
        var parent = RootPath.Resolve(root, parentRel, create: mode == WhiteoutMode.Overlay);
        var path = parent + "/" + name;
        if (!path.StartsWith(root + "/", StringComparison.Ordinal))
        {
            throw RootPath.Breakout(entry.Name);
        }
        if (Sys.LStat(path) is { } existing)
        {
            RemoveAll(path, existing);
        }
        if (mode == WhiteoutMode.Overlay)
        {
            Sys.MkNod(path, FileStatus.S_IFCHR, 0);
            if (isRoot)
            {
                Sys.LChown(path, (uint)entry.Uid, (uint)entry.Gid);
            }
            unpacked.Add(RelativeTo(root, path));
        }
    }

    /// <summary>Resolves all but the last component inside the root; the last one is not followed.</summary>
    private static string ResolveNoFollow(string root, string rel)
    {
        var slash = rel.LastIndexOf('/');
        var parent = RootPath.Resolve(root, slash < 0 ? "" : rel[..slash], create: false);
        return parent + "/" + (slash < 0 ? rel : rel[(slash + 1)..]);
    }

    private static void ApplyMetadata(string path, TarEntry entry, bool isRoot, string root)
    {
        if (isRoot)
        {
            Sys.LChown(path, (uint)entry.Uid, (uint)entry.Gid);
        }
        if (entry is PaxTarEntry pax)
        {
            foreach (var (key, value) in pax.ExtendedAttributes)
            {
                if (!key.StartsWith(XattrPaxPrefix, StringComparison.Ordinal))
                {
                    continue;
                }
                try
                {
                    Sys.LSetXattr(path, key[XattrPaxPrefix.Length..], Encoding.UTF8.GetBytes(value));
                }
                catch (SystemCallException e) when (e.Errno is Sys.ENOTSUP or Sys.EPERM)
                {
                    // As Docker: not every file system takes every namespace; the content still applies.
                }
            }
        }
        var isLinkToSymlink = entry.EntryType == TarEntryType.HardLink && Sys.LStat(path) is { IsSymlink: true };
        if (entry.EntryType != TarEntryType.SymbolicLink && !isLinkToSymlink)
        {
            // After chown, which clears setuid and setgid.
            Sys.Chmod(path, ModeBits(entry));
        }
        if (entry.EntryType != TarEntryType.Directory && !isLinkToSymlink)
        {
            SetTimes(path, entry);
        }
    }

    private static uint ModeBits(TarEntry entry) => (uint)entry.Mode & 0xFFF;

    private static void SetTimes(string path, TarEntry entry)
    {
        var mtime = entry.ModificationTime;
        var atime = entry switch
        {
            GnuTarEntry g when g.AccessTime != default => g.AccessTime,
            PaxTarEntry p when p.ExtendedAttributes.TryGetValue("atime", out var a) && TryParsePaxTime(a, out var t) => t,
            _ => mtime,
        };
        var (ms, mn) = Split(mtime);
        var (asec, an) = Split(atime);
        Sys.LUtimes(path, asec, an, ms, mn);
    }

    private static bool TryParsePaxTime(string s, out DateTimeOffset time)
    {
        time = default;
        if (!decimal.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }
        time = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    private static (long Sec, long Nsec) Split(DateTimeOffset t)
    {
        var ticks = (t - DateTimeOffset.UnixEpoch).Ticks;
        var sec = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0)
        {
            sec--;
            rem += TimeSpan.TicksPerSecond;
        }
        return (sec, rem * 100);
    }

    internal static string RelativeTo(string root, string path) =>
        path.Length <= root.Length ? "" : path[(root.Length + 1)..];

    /// <summary>Removes a file, link, device or a whole tree, never following symlinks.</summary>
    internal static void RemoveAll(string path, FileStatus status)
    {
        if (status.IsDirectory)
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }
}
