using System.Formats.Tar;
using System.Text;
using Engine.Storage.Interop;

namespace Engine.Storage.Archive;

/// <summary>
/// Archives a file or a directory tree as it is on disk (a container's merged root file system, or one path in
/// it), streaming, the way Docker's TarWithOptions does: entries in lexical order, hard links as link entries to
/// the first name met, symlinks not followed, owners, modes (setuid/setgid/sticky), mtimes, xattrs, devices and
/// fifos kept; sockets left out. Entries without xattrs and with short names are plain ustar; the others PAX.
/// </summary>
public static class TreeArchive
{
    private const string XattrPaxPrefix = "SCHILY.xattr.";

    /// <summary>lstat(2) of a path; null when it does not exist.</summary>
    public static FileStatus? LStat(string path) => Sys.LStat(path);

    /// <summary>readlink(2).</summary>
    public static string ReadLink(string path) => Sys.ReadLink(path);

    /// <summary>
    /// Writes <paramref name="path"/> (not followed when a symlink) to <paramref name="output"/> as a tar. With an
    /// empty <paramref name="name"/> the path must be a directory and only what is under it is written, named
    /// relative to it (docker export); otherwise the path itself is named <paramref name="name"/> and what is under
    /// it <c>name/...</c> (docker cp). The end-of-archive blocks are written; <paramref name="output"/> is not closed.
    /// </summary>
    public static async Task WriteAsync(Stream output, string path, string name, CancellationToken cancellationToken = default)
    {
        var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var links = new Dictionary<(ulong, ulong), string>();
            var st = Sys.LStatOrThrow(path);
            if (name.Length == 0)
            {
                await WriteChildrenAsync(writer, path, "", links, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteOneAsync(writer, path, name.TrimEnd('/'), st, links, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteOneAsync(TarWriter writer, string path, string rel, FileStatus st, Dictionary<(ulong, ulong), string> links, CancellationToken cancellationToken)
    {
        await WriteEntryAsync(writer, path, rel, st, links, cancellationToken).ConfigureAwait(false);
        if (st.IsDirectory)
        {
            await WriteChildrenAsync(writer, path, rel, links, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteChildrenAsync(TarWriter writer, string dir, string rel, Dictionary<(ulong, ulong), string> links, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var child in Directory.EnumerateFileSystemEntries(dir))
        {
            names.Add(Path.GetFileName(child));
        }
        names.Sort(StringComparer.Ordinal);
        foreach (var childName in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var childPath = dir + "/" + childName;
            if (Sys.LStat(childPath) is not { } st)
            {
                continue; // removed while we walked (a running container)
            }
            await WriteOneAsync(writer, childPath, rel.Length == 0 ? childName : rel + "/" + childName, st, links, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteEntryAsync(TarWriter writer, string path, string rel, FileStatus st, Dictionary<(ulong, ulong), string> links, CancellationToken cancellationToken)
    {
        if (TarEntryKind.Classify(path, ref rel, st, links, out var linkName) is not { } type)
        {
            return; // sockets are not archived, as in Docker
        }

        Dictionary<string, string>? xattrs = null;
        foreach (var attr in Sys.LListXattr(path))
        {
            if (attr.StartsWith("trusted.overlay.", StringComparison.Ordinal))
            {
                continue;
            }
            if (Sys.LGetXattr(path, attr) is { } value)
            {
                (xattrs ??= [])[XattrPaxPrefix + attr] = Encoding.UTF8.GetString(value);
            }
        }

        PosixTarEntry entry = xattrs is null && Fits(rel) && (linkName is null || Encoding.UTF8.GetByteCount(linkName) <= 100)
            ? new UstarTarEntry(type, rel)
            : new PaxTarEntry(type, rel, xattrs ?? []);
        entry.Mode = (UnixFileMode)st.Permissions;
        entry.Uid = (int)st.Uid;
        entry.Gid = (int)st.Gid;
        entry.ModificationTime = DateTimeOffset.FromUnixTimeSeconds(st.MtimeSec);
        if (linkName is not null)
        {
            entry.LinkName = linkName;
        }
        if (type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            entry.DeviceMajor = (int)st.RDevMajor;
            entry.DeviceMinor = (int)st.RDevMinor;
        }
        if (type == TarEntryType.RegularFile)
        {
            var data = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite,
                BufferSize = 0,
                Options = FileOptions.SequentialScan,
            });
            await using (data.ConfigureAwait(false))
            {
                entry.DataStream = data;
                await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when a plain ustar name field holds the name (ASCII, at most 100 bytes).</summary>
    private static bool Fits(string name) => name.Length <= 100 && Ascii.IsValid(name);
}
