using System.Formats.Tar;
using Engine.Storage.Archive;
using Engine.Storage.Errors;
using Engine.Storage.Internal;
using Engine.Storage.Layers;

namespace Engine.Storage.ImageArchives;

/// <summary>
/// The files of an image archive, read in one pass and never unpacked as such. Names live in a namespace of
/// their own (symlinks and hard links are followed inside it, ".." is clamped at its root), so nothing an
/// archive names can reach the host's file system. Per file:
/// <list type="bullet">
/// <item>a layer candidate (<c>*/layer.tar</c>, <c>blobs/*</c>, not JSON) is staged: applied at once as a layer
/// without parent (<see cref="ILayerStore.StageAsync"/>) when the store can, else copied to a temp file;</item>
/// <item>anything else up to <see cref="ImageArchive.MaxJsonBytes"/> is kept in memory (while the total stays
/// under <see cref="MaxMemoryBytes"/>), larger files go to a temp file.</item>
/// </list>
/// Disposing discards staged layers nothing committed and deletes the temp directory.
/// </summary>
internal sealed class ArchiveContents : IDisposable
{
    /// <summary>Total bytes of small files kept in memory; beyond it they go to temp files.</summary>
    public const long MaxMemoryBytes = 32 << 20;

    private const int MaxSymlinks = 255;
    private const int SniffLength = 512;

    private readonly ILayerStore _layers;
    private readonly string _tmp;
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly List<StagedLayer> _staged = [];
    private long _memoryBytes;

    private ArchiveContents(ILayerStore layers, string tmp)
    {
        _layers = layers;
        _tmp = tmp;
    }

    internal abstract record Node;

    private sealed record Symlink(string Target) : Node;

    /// <summary>A regular file: one of the kinds below.</summary>
    internal abstract record FileNode(long Length) : Node;

    internal sealed record MemoryFile(byte[] Bytes) : FileNode(Bytes.LongLength);

    internal sealed record TempFile(string Path, long Length) : FileNode(Length);

    /// <summary>A layer applied while it was read; <paramref name="BlobDigest"/> is the sha256 of its bytes as stored.</summary>
    internal sealed record StagedFile(StagedLayer Staged, string BlobDigest, long Length) : FileNode(Length);

    /// <summary>A layer candidate that could not be applied: an error only if something uses it as a layer.</summary>
    internal sealed record UnusableFile(string Error, long Length) : FileNode(Length);

    /// <summary>Reads the whole (possibly compressed) archive tar.</summary>
    public static async Task<ArchiveContents> ReadAsync(Stream archive, ILayerStore layers, string tmp, CancellationToken cancellationToken)
    {
        var contents = new ArchiveContents(layers, tmp);
        try
        {
            var (tar, _) = await Decompression.OpenAsync(archive, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            await using (tar.ConfigureAwait(false))
            {
                await contents.ReadEntriesAsync(tar, cancellationToken).ConfigureAwait(false);
            }
            return contents;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException)
        {
            contents.Dispose();
            throw EngineException.Invalid($"invalid archive: {e.Message}");
        }
        catch
        {
            contents.Dispose();
            throw;
        }
    }

    private async Task ReadEntriesAsync(Stream tar, CancellationToken cancellationToken)
    {
        var reader = new TarReader(tar, leaveOpen: true);
        await using var _ = reader.ConfigureAwait(false);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }
            var rel = RootPath.CleanEntryName(entry.Name);
            if (rel.Length == 0)
            {
                continue;
            }
            var slash = rel.LastIndexOf('/');
            var parentRel = slash < 0 ? "" : rel[..slash];
            var parent = Resolve(parentRel, followLast: true);
            var path = (parent.Length == 0 ? "" : parent + "/") + rel[(slash + 1)..];
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    _nodes.Remove(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    _nodes[path] = await ReadFileAsync(path, entry, cancellationToken).ConfigureAwait(false);
                    break;
                case TarEntryType.SymbolicLink:
                    if (!entry.LinkName.StartsWith('/') && RootPath.Escapes(parentRel, entry.LinkName))
                    {
                        throw RootPath.Breakout(entry.Name + " -> " + entry.LinkName);
                    }
                    _nodes[path] = new Symlink(entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    string targetRel;
                    try
                    {
                        targetRel = RootPath.CleanEntryName(entry.LinkName);
                    }
                    catch (EngineException)
                    {
                        throw RootPath.Breakout(entry.Name + " => " + entry.LinkName);
                    }
                    _nodes[path] = Get(Resolve(targetRel, followLast: false)) ?? throw EngineException.Invalid($"invalid hard link \"{entry.Name}\": its target \"{entry.LinkName}\" is not in the archive");
                    break;
                default:
                    break; // devices and fifos mean nothing in an image archive
            }
        }
    }

    private async Task<Node> ReadFileAsync(string path, TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.DataStream is not { } data || entry.Length == 0)
        {
            return new MemoryFile([]);
        }
        var length = entry.Length;
        if (!IsLayerCandidate(path))
        {
            return length <= ImageArchive.MaxJsonBytes && _memoryBytes + length <= MaxMemoryBytes
                ? await ReadToMemoryAsync(entry.Name, data, length, cancellationToken).ConfigureAwait(false)
                : await CopyToTempAsync(entry.Name, data, length, cancellationToken).ConfigureAwait(false);
        }
        // Peek: OCI blobs hold manifests and configs (JSON) as well as layers.
        var head = new byte[(int)Math.Min(SniffLength, length)];
        await ReadExactlyAsync(entry.Name, data, head, cancellationToken).ConfigureAwait(false);
        var rest = new PrefixedStream(head, data, leaveOpen: true);
        if (LooksLikeJson(head) && length <= ImageArchive.MaxJsonBytes)
        {
            return _memoryBytes + length <= MaxMemoryBytes
                ? await ReadToMemoryAsync(entry.Name, rest, length, cancellationToken).ConfigureAwait(false)
                : await CopyToTempAsync(entry.Name, rest, length, cancellationToken).ConfigureAwait(false);
        }
        if (!_layers.CanStage)
        {
            return await CopyToTempAsync(entry.Name, rest, length, cancellationToken).ConfigureAwait(false);
        }
        return await StageAsync(rest, head, length, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsLayerCandidate(string path) =>
        path.StartsWith("blobs/", StringComparison.Ordinal) || path == "layer.tar" || path.EndsWith("/layer.tar", StringComparison.Ordinal);

    private static bool LooksLikeJson(ReadOnlySpan<byte> head)
    {
        var trimmed = head.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] is (byte)'{' or (byte)'[';
    }

    /// <summary>Applies the layer as it streams by; the blob digest is hashed separately only when it is compressed.</summary>
    private async Task<Node> StageAsync(Stream data, byte[] head, long length, CancellationToken cancellationToken)
    {
        var compressed = Decompression.Detect(head) != Compression.None;
        using var blob = compressed ? new DigestingStream(data, leaveOpen: true) : null;
        StagedLayer staged;
        try
        {
            staged = await _layers.StageAsync(blob ?? data, cancellationToken).ConfigureAwait(false);
        }
        catch (EngineException e) when (e.Kind == ErrorKind.InvalidParameter)
        {
            return new UnusableFile(e.Message, length); // the outer reader skips the rest of it
        }
        _staged.Add(staged);
        if (blob is not null)
        {
            await blob.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        return new StagedFile(staged, blob?.Digest ?? staged.DiffId, length);
    }

    private async Task<Node> ReadToMemoryAsync(string name, Stream data, long length, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        await ReadExactlyAsync(name, data, bytes, cancellationToken).ConfigureAwait(false);
        _memoryBytes += length;
        return new MemoryFile(bytes);
    }

    private async Task<Node> CopyToTempAsync(string name, Stream data, long length, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_tmp);
        var path = Path.Combine(_tmp, AtomicFile.RandomId(12));
        var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (fs.ConfigureAwait(false))
        {
            await data.CopyToAsync(fs, 1 << 20, cancellationToken).ConfigureAwait(false);
            if (fs.Length != length)
            {
                throw EngineException.Invalid($"invalid archive: unexpected end of archive in \"{name}\"");
            }
        }
        return new TempFile(path, length);
    }

    private static async Task ReadExactlyAsync(string name, Stream data, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await data.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw EngineException.Invalid($"invalid archive: unexpected end of archive in \"{name}\"");
        }
    }

    /// <summary>Resolves a clean relative name inside the archive's namespace, following symlinks (the last one too when asked).</summary>
    private string Resolve(string rel, bool followLast)
    {
        var pending = new Stack<string>(rel.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = new List<string>();
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (current.Count > 0)
                {
                    current.RemoveAt(current.Count - 1);
                }
                continue;
            }
            var candidate = current.Count == 0 ? part : string.Join('/', current) + "/" + part;
            if ((pending.Count > 0 || followLast) && _nodes.GetValueOrDefault(candidate) is Symlink link)
            {
                if (++links > MaxSymlinks)
                {
                    throw EngineException.Invalid($"invalid archive: too many levels of symbolic links in \"{rel}\"");
                }
                if (link.Target.StartsWith('/'))
                {
                    current.Clear();
                }
                foreach (var p in link.Target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(p);
                }
                continue;
            }
            current.Add(part);
        }
        return string.Join('/', current);
    }

    private FileNode? Get(string resolved) => _nodes.GetValueOrDefault(resolved) as FileNode;

    /// <summary>The regular file an archive name points at, or InvalidParameter naming it.</summary>
    public FileNode File(string name)
    {
        string rel;
        try
        {
            rel = RootPath.CleanEntryName(name);
        }
        catch (EngineException)
        {
            throw EngineException.Invalid($"invalid archive: \"{name}\" points outside of the archive");
        }
        return (rel.Length == 0 ? null : Get(Resolve(rel, followLast: true)))
            ?? throw EngineException.Invalid($"invalid archive: \"{name}\" is not in the archive");
    }

    public bool Exists(string name)
    {
        var rel = RootPath.CleanEntryName(name);
        return rel.Length > 0 && Get(Resolve(rel, followLast: true)) is not null;
    }

    /// <summary>A JSON document (config, manifest, index...): at most <see cref="ImageArchive.MaxJsonBytes"/>.</summary>
    public byte[] ReadSmall(string name) => File(name) switch
    {
        { Length: > ImageArchive.MaxJsonBytes } => throw EngineException.Invalid($"invalid archive: \"{name}\" is too large"),
        MemoryFile m => m.Bytes,
        TempFile t => System.IO.File.ReadAllBytes(t.Path),
        _ => throw EngineException.Invalid($"invalid archive: \"{name}\" is not a document"),
    };

    /// <summary>Names of top-level folders holding a <c>json</c> file (the Docker 1.7 layout), sorted.</summary>
    public IReadOnlyList<string> LegacyFolders() =>
        [.. _nodes.Where(n => n.Value is FileNode && n.Key.EndsWith("/json", StringComparison.Ordinal) && n.Key.IndexOf('/') == n.Key.Length - 5)
            .Select(n => n.Key[..^5]).Order(StringComparer.Ordinal)];

    /// <summary>True when any file is named <c>json</c>.</summary>
    public bool HasAnyJsonFile() => _nodes.Any(n => n.Value is FileNode && (n.Key == "json" || n.Key.EndsWith("/json", StringComparison.Ordinal)));

    /// <summary>Remembers a staged layer made later (a copy for a second chain) so it is discarded with the rest.</summary>
    public void Track(StagedLayer staged) => _staged.Add(staged);

    public void Dispose()
    {
        foreach (var staged in _staged)
        {
            _layers.DiscardStaged(staged);
        }
        _staged.Clear();
        if (Directory.Exists(_tmp))
        {
            Drivers.FileTree.RemoveAll(_tmp);
        }
    }
}
