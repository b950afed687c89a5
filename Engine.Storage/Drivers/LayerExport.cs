using System.Formats.Tar;
using System.Text;
using Engine.Storage.Archive;
using Engine.Storage.Interop;

namespace Engine.Storage.Drivers;

/// <summary>
/// Writes a layer's changes as a tar stream with aufs whiteouts: overlay 0/0 character devices become
/// <c>.wh.NAME</c> files and opaque directories get a <c>.wh..wh..opq</c> entry; deletions found by comparing
/// trees (vfs) become <c>.wh.NAME</c>. Produced on its own task while the caller reads.
/// </summary>
internal static class LayerExport
{
    private const UnixFileMode WhiteoutMode = (UnixFileMode)0x180; // 0600

    public static Stream FromOverlay(OverlayDriver driver, string id)
    {
        var upper = driver.DiffDir(id);
        return StreamProducer.Start(output =>
        {
            if (!Directory.EnumerateFileSystemEntries(upper).Any())
            {
                return WriteEmptyArchiveAsync(output);
            }
            using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            var links = new Dictionary<(ulong, ulong), string>();
            WriteOverlayDirectory(writer, upper, "", links);
            return Task.CompletedTask;
        });
    }

    private static void WriteOverlayDirectory(TarWriter writer, string dir, string rel, Dictionary<(ulong, ulong), string> links)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var childRel = rel.Length == 0 ? name : rel + "/" + name;
            var st = Sys.LStatOrThrow(path);
            if (st.IsWhiteout)
            {
                WriteWhiteout(writer, rel, LayerApplier.WhiteoutPrefix + name, st);
                continue;
            }
            WriteEntry(writer, path, childRel, st, links);
            if (st.IsDirectory)
            {
                if (LayerChanges.IsOpaque(path))
                {
                    WriteWhiteout(writer, childRel, LayerApplier.OpaqueMarker, st);
                }
                WriteOverlayDirectory(writer, path, childRel, links);
            }
        }
    }

    /// <summary>
    /// An archive without entries: the two zero records that end a tar (TarWriter writes nothing when given no entry,
    /// and readers want at least the end marker). Its digest is Docker's well-known empty layer's.
    /// </summary>
    private static Task WriteEmptyArchiveAsync(Stream output) => output.WriteAsync(new byte[1024]).AsTask();

    public static Stream FromChanges(string layerDir, IReadOnlyList<Change> changes) => StreamProducer.Start(output =>
    {
        if (changes.Count == 0)
        {
            return WriteEmptyArchiveAsync(output);
        }
        using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var links = new Dictionary<(ulong, ulong), string>();
        var now = DateTimeOffset.UtcNow;
        foreach (var change in changes)
        {
            var rel = change.Path.TrimStart('/');
            if (change.Kind == ChangeKind.Delete)
            {
                var slash = rel.LastIndexOf('/');
                var entry = new PaxTarEntry(TarEntryType.RegularFile, (slash < 0 ? "" : rel[..(slash + 1)]) + LayerApplier.WhiteoutPrefix + rel[(slash + 1)..])
                {
                    Mode = WhiteoutMode,
                    ModificationTime = now,
                };
                writer.WriteEntry(entry);
                continue;
            }
            var path = layerDir + "/" + rel;
            if (Sys.LStat(path) is { } st)
            {
                WriteEntry(writer, path, rel, st, links);
            }
        }
        return Task.CompletedTask;
    });

    private static void WriteWhiteout(TarWriter writer, string dirRel, string name, FileStatus st)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, dirRel.Length == 0 ? name : dirRel + "/" + name)
        {
            Mode = WhiteoutMode,
            Uid = (int)st.Uid,
            Gid = (int)st.Gid,
            ModificationTime = Time(st.MtimeSec, st.MtimeNsec),
        };
        writer.WriteEntry(entry);
    }

    private static DateTimeOffset Time(long sec, long nsec) =>
        DateTimeOffset.UnixEpoch.AddTicks(sec * TimeSpan.TicksPerSecond + nsec / 100);

    /// <summary>One file, directory, link or device, with owner, mode (setuid included), mtime and xattrs.</summary>
    internal static void WriteEntry(TarWriter writer, string path, string rel, FileStatus st, Dictionary<(ulong, ulong), string> links)
    {
        var xattrs = new Dictionary<string, string>();
        foreach (var name in Sys.LListXattr(path))
        {
            if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
            {
                continue;
            }
            if (Sys.LGetXattr(path, name) is { } value)
            {
                xattrs["SCHILY.xattr." + name] = Encoding.UTF8.GetString(value);
            }
        }
        if (TarEntryKind.Classify(path, ref rel, st, links, out var linkName) is not { } type)
        {
            return; // sockets are not archived, as in Docker
        }
        var entry = new PaxTarEntry(type, rel, xattrs)
        {
            Mode = (UnixFileMode)st.Permissions,
            Uid = (int)st.Uid,
            Gid = (int)st.Gid,
            ModificationTime = Time(st.MtimeSec, st.MtimeNsec),
        };
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
            using var data = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            entry.DataStream = data;
            writer.WriteEntry(entry);
            return;
        }
        writer.WriteEntry(entry);
    }
}
