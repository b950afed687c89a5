using Engine.Storage.Archive;
using Engine.Storage.Drivers;
using Engine.Storage.Errors;
using Engine.Storage.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Engine.Storage.Layers;

/// <summary>
/// Image layers (by chainID) and containers' read-write layers, kept by a graph driver. Metadata lives in
/// &lt;DataRoot&gt;/image/&lt;driver&gt;/layerdb: sha256/&lt;chainID hex&gt;/{diff,size,cache-id,parent} and
/// mounts/&lt;container&gt;/{mount-id,parent}; each such directory is written whole under tmp/ and renamed in.
/// </summary>
public sealed partial class LayerStore : ILayerStore, IDisposable
{
    private readonly IGraphDriver _driver;
    private readonly ILogger _logger;
    private readonly string _layerDb;
    private readonly string _tmp;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Entry> _layers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReadWriteLayer> _rw = new(StringComparer.Ordinal);

    private sealed class Entry(LayerInfo info)
    {
        public LayerInfo Info { get; } = info;
        public int References;
    }

    public LayerStore(IGraphDriver driver, IOptions<StorageOptions> options, ILogger<LayerStore>? logger = null)
        : this(driver, options.Value.DataRoot, logger)
    {
    }

    public LayerStore(IGraphDriver driver, string dataRoot, ILogger<LayerStore>? logger = null)
    {
        _driver = driver;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _layerDb = Path.Combine(Path.GetFullPath(dataRoot), "image", driver.Name, "layerdb");
        _tmp = Path.Combine(_layerDb, "tmp");
        Directory.CreateDirectory(Path.Combine(_layerDb, "sha256"));
        Directory.CreateDirectory(Path.Combine(_layerDb, "mounts"));
        Load();
    }

    public string DriverName => _driver.Name;

    internal IGraphDriver Driver => _driver;

    private string LayerDir(string chainId) => Path.Combine(_layerDb, "sha256", Digests.Hex(chainId));

    private string MountDir(string containerId) => Path.Combine(_layerDb, "mounts", containerId);

    private void Load()
    {
        // Half-written metadata never became visible; whatever is under tmp/ is garbage.
        if (Directory.Exists(_tmp))
        {
            Directory.Delete(_tmp, recursive: true);
        }
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(_layerDb, "sha256")))
        {
            var hex = Path.GetFileName(dir);
            try
            {
                var chainId = Digests.Sha256Prefix + hex;
                var diff = File.ReadAllText(Path.Combine(dir, "diff")).Trim();
                var size = long.Parse(File.ReadAllText(Path.Combine(dir, "size")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                var cacheId = File.ReadAllText(Path.Combine(dir, "cache-id")).Trim();
                var parentFile = Path.Combine(dir, "parent");
                var parent = File.Exists(parentFile) ? File.ReadAllText(parentFile).Trim() : null;
                var tarSizeFile = Path.Combine(dir, "tar-size");
                long? tarSize = File.Exists(tarSizeFile) && File.Exists(Path.Combine(dir, TarSplitFile))
                    ? long.Parse(File.ReadAllText(tarSizeFile).Trim(), System.Globalization.CultureInfo.InvariantCulture)
                    : null;
                _layers[chainId] = new Entry(new LayerInfo(chainId, diff, parent, size, cacheId) { TarSize = tarSize });
            }
            catch (Exception e) when (e is IOException or FormatException)
            {
                Log.BadLayerMetadata(_logger, dir, e);
            }
        }
        foreach (var entry in _layers.Values)
        {
            if (entry.Info.ParentChainId is { } p && _layers.TryGetValue(p, out var parent))
            {
                parent.References++;
            }
        }
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(_layerDb, "mounts")))
        {
            var containerId = Path.GetFileName(dir);
            try
            {
                var mountId = File.ReadAllText(Path.Combine(dir, "mount-id")).Trim();
                var parentFile = Path.Combine(dir, "parent");
                var parent = File.Exists(parentFile) ? File.ReadAllText(parentFile).Trim() : null;
                LayerInfo? parentInfo = null;
                if (parent is not null && _layers.TryGetValue(parent, out var p))
                {
                    p.References++;
                    parentInfo = p.Info;
                }
                _rw[containerId] = new ReadWriteLayer(this, containerId, mountId, parentInfo);
            }
            catch (IOException e)
            {
                Log.BadLayerMetadata(_logger, dir, e);
            }
        }
        // Driver directories nobody points at: a layer or container layer that was being made or removed at a crash.
        var used = new HashSet<string>(_layers.Values.Select(e => e.Info.CacheId).Concat(_rw.Values.Select(r => r.MountId)), StringComparer.Ordinal);
        foreach (var id in _driver.List())
        {
            if (!used.Contains(id))
            {
                Log.RemovingLeftover(_logger, id);
                _driver.Remove(id);
            }
        }
        if (_driver is OverlayDriver overlay)
        {
            overlay.RemoveDanglingLinks();
        }
    }

    public LayerInfo? TryGetLayer(string chainId)
    {
        _gate.Wait();
        try
        {
            return _layers.TryGetValue(chainId, out var e) ? e.Info : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public IReadOnlyList<LayerInfo> Layers()
    {
        _gate.Wait();
        try
        {
            return [.. _layers.Values.Select(e => e.Info)];
        }
        finally
        {
            _gate.Release();
        }
    }

    public LayerInfo Acquire(string chainId)
    {
        _gate.Wait();
        try
        {
            var e = _layers.GetValueOrDefault(chainId) ?? throw EngineException.NotFound($"layer does not exist: {chainId}");
            e.References++;
            return e.Info;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>References held on a layer (for tests and diagnostics).</summary>
    internal int References(string chainId)
    {
        _gate.Wait();
        try
        {
            return _layers.TryGetValue(chainId, out var e) ? e.References : 0;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<LayerInfo> RegisterAsync(Stream archive, string? parentChainId, CancellationToken cancellationToken = default)
    {
        LayerInfo? parent = null;
        if (parentChainId is not null)
        {
            parent = TryGetLayer(parentChainId) ?? throw EngineException.NotFound($"layer does not exist: {parentChainId}");
        }
        var (cacheId, splitFile, diffId, size, tarSize) = await ApplyNewAsync(archive, parent?.CacheId, cancellationToken).ConfigureAwait(false);

        var chainId = Digests.ChainId(parentChainId, diffId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var duplicate = false;
        LayerInfo info;
        try
        {
            if (_layers.TryGetValue(chainId, out var existing))
            {
                existing.References++;
                info = existing.Info;
                duplicate = true;
            }
            else
            {
                info = AddLocked(chainId, diffId, parentChainId, size, cacheId, splitFile, tarSize);
            }
        }
        catch
        {
            _driver.Remove(cacheId);
            throw;
        }
        finally
        {
            _gate.Release();
            File.Delete(splitFile);
        }
        if (duplicate)
        {
            _driver.Remove(cacheId);
        }
        return info;
    }

    /// <summary>Writes a new layer's metadata (moving its tar-split in) and takes one reference on it and its parent. Under the gate.</summary>
    private LayerInfo AddLocked(string chainId, string diffId, string? parentChainId, long size, string cacheId, string splitFile, long tarSize)
    {
        var info = new LayerInfo(chainId, diffId, parentChainId, size, cacheId) { TarSize = tarSize };
        AtomicFile.CreateDirectory(_tmp, LayerDir(chainId), dir =>
        {
            AtomicFile.WriteDurable(Path.Combine(dir, "diff"), System.Text.Encoding.ASCII.GetBytes(diffId));
            AtomicFile.WriteDurable(Path.Combine(dir, "size"), System.Text.Encoding.ASCII.GetBytes(size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            AtomicFile.WriteDurable(Path.Combine(dir, "cache-id"), System.Text.Encoding.ASCII.GetBytes(cacheId));
            if (parentChainId is not null)
            {
                AtomicFile.WriteDurable(Path.Combine(dir, "parent"), System.Text.Encoding.ASCII.GetBytes(parentChainId));
            }
            File.Move(splitFile, Path.Combine(dir, TarSplitFile));
            AtomicFile.WriteDurable(Path.Combine(dir, "tar-size"), System.Text.Encoding.ASCII.GetBytes(tarSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
        _layers[chainId] = new Entry(info) { References = 1 };
        if (parentChainId is not null)
        {
            _layers[parentChainId].References++;
        }
        return info;
    }

    /// <summary>
    /// Creates a driver directory on <paramref name="parentCacheId"/> and applies the tar into it, recording its
    /// tar-split under tmp/ and hashing its diffID. On failure nothing is left.
    /// </summary>
    private async Task<(string CacheId, string SplitFile, string DiffId, long Size, long TarSize)> ApplyNewAsync(Stream archive, string? parentCacheId, CancellationToken cancellationToken)
    {
        var cacheId = AtomicFile.RandomId();
        Directory.CreateDirectory(_tmp);
        var splitFile = Path.Combine(_tmp, "split-" + cacheId);
        _driver.Create(cacheId, parentCacheId);
        try
        {
            var (decompressed, _) = await Decompression.OpenAsync(archive, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            await using (decompressed.ConfigureAwait(false))
            {
                using var digesting = new DigestingStream(decompressed, leaveOpen: true);
                using var recorder = new TarSplitRecorder(splitFile);
                digesting.Observer = recorder.Observe;
                long size;
                try
                {
                    size = await _driver.ApplyDiffAsync(cacheId, parentCacheId, digesting, cancellationToken, recorder).ConfigureAwait(false);
                    await digesting.DrainAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsFormatError(e))
                {
                    throw EngineException.Invalid($"invalid layer archive: {e.Message}");
                }
                recorder.Complete(digesting.BytesRead);
                return (cacheId, splitFile, digesting.Digest, size, digesting.BytesRead);
            }
        }
        catch
        {
            _driver.Remove(cacheId);
            File.Delete(splitFile);
            throw;
        }
    }

    private static bool IsFormatError(Exception e) =>
        e is InvalidDataException or EndOfStreamException or FormatException
        || (e.GetType().Namespace ?? "").StartsWith("SharpCompress", StringComparison.Ordinal)
        || (e.GetType().Namespace ?? "").StartsWith("ZstdSharp", StringComparison.Ordinal);

    public async Task<IReadOnlyList<LayerInfo>> ReleaseAsync(string chainId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ReleaseLocked(chainId);
        }
        finally
        {
            _gate.Release();
        }
    }

    private List<LayerInfo> ReleaseLocked(string? chainId)
    {
        var removed = new List<LayerInfo>();
        while (chainId is not null && _layers.TryGetValue(chainId, out var entry))
        {
            if (--entry.References > 0)
            {
                break;
            }
            AtomicFile.DeleteDirectory(_tmp, LayerDir(chainId));
            _layers.Remove(chainId);
            _driver.Remove(entry.Info.CacheId);
            removed.Add(entry.Info);
            chainId = entry.Info.ParentChainId;
        }
        return removed;
    }

    /// <summary>Deletes layers nobody references (after the image store has taken its references at start).</summary>
    public async Task<IReadOnlyList<LayerInfo>> PruneUnreferencedAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var removed = new List<LayerInfo>();
            foreach (var entry in _layers.Values.Where(e => e.References == 0).ToList())
            {
                entry.References = 1;
                removed.AddRange(ReleaseLocked(entry.Info.ChainId));
            }
            return removed;
        }
        finally
        {
            _gate.Release();
        }
    }

    private const string TarSplitFile = "tar-split";

    /// <summary>
    /// The layer as it was registered (byte for byte, so its diffID holds) when its tar-split is there and
    /// its files are as recorded; otherwise a tar made from the layer's files.
    /// </summary>
    public Stream ExportLayer(string chainId)
    {
        var info = TryGetLayer(chainId) ?? throw EngineException.NotFound($"layer does not exist: {chainId}");
        var split = Path.Combine(LayerDir(chainId), TarSplitFile);
        if (File.Exists(split))
        {
            return TarSplitRecorder.Replay(split, _driver.ApplyDir(info.CacheId), info.DiffId);
        }
        var parent = info.ParentChainId is null ? null : TryGetLayer(info.ParentChainId);
        return _driver.Diff(info.CacheId, parent?.CacheId);
    }

    public void Dispose()
    {
        foreach (var rw in _rw.Values)
        {
            rw.ForceUnmount();
        }
        _driver.Dispose();
        _gate.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Ignoring unreadable layer metadata {Dir}")]
        public static partial void BadLayerMetadata(ILogger logger, string dir, Exception e);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Removing leftover layer directory {CacheId}")]
        public static partial void RemovingLeftover(ILogger logger, string cacheId);
    }
}
