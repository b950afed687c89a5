using System.Runtime.InteropServices;
using System.Text.Json;
using Engine.Storage.Errors;
using Engine.Storage.Internal;
using Engine.Storage.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Engine.Storage.Images;

/// <summary>
/// Images by id (sha256 of the config bytes) and the repo:tag names pointing at them, under
/// &lt;DataRoot&gt;/image/&lt;driver&gt;: imagedb/content/sha256/&lt;hex&gt; (config bytes),
/// imagedb/metadata/sha256/&lt;hex&gt;/parent, repositories.json. Each image holds one reference on its top layer.
/// </summary>
public sealed partial class ImageStore : IImageStore
{
    /// <summary>The Docker version written into new image configs (the release that served API v1.19).</summary>
    public const string DockerVersion = "1.7.1";

    private readonly ILayerStore _layers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _root;
    private readonly string _content;
    private readonly string _metadata;
    private readonly string _repositoriesFile;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Record> _images = new(StringComparer.Ordinal);
    // "repo:tag" -> image id
    private readonly SortedDictionary<string, string> _tags = new(StringComparer.Ordinal);

    internal sealed record Record(string Id, byte[] ConfigBytes, ImageConfig Config, string? Parent, string? TopChainId);

    public ImageStore(ILayerStore layers, IOptions<StorageOptions> options, ILogger<ImageStore>? logger = null, TimeProvider? time = null)
        : this(layers, options.Value.DataRoot, logger, time)
    {
    }

    public ImageStore(ILayerStore layers, string dataRoot, ILogger<ImageStore>? logger = null, TimeProvider? time = null)
    {
        _layers = layers;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _root = Path.Combine(Path.GetFullPath(dataRoot), "image", layers.DriverName);
        _content = Path.Combine(_root, "imagedb", "content", "sha256");
        _metadata = Path.Combine(_root, "imagedb", "metadata", "sha256");
        _repositoriesFile = Path.Combine(_root, "repositories.json");
        Directory.CreateDirectory(_content);
        Directory.CreateDirectory(_metadata);
        Load();
    }

    private void Load()
    {
        // Image archives unpack under tmp/; after a crash, what is there is garbage.
        var tmp = Path.Combine(_root, "tmp");
        if (Directory.Exists(tmp))
        {
            Drivers.FileTree.RemoveAll(tmp);
        }
        foreach (var leftover in Directory.EnumerateFiles(_root, ".repositories.json.tmp-*"))
        {
            File.Delete(leftover);
        }
        foreach (var file in Directory.EnumerateFiles(_content))
        {
            var hex = Path.GetFileName(file);
            if (hex.StartsWith('.'))
            {
                File.Delete(file); // a temporary name left by a crash
                continue;
            }
            try
            {
                var bytes = File.ReadAllBytes(file);
                var id = Digests.Sha256(bytes);
                if (id != Digests.Sha256Prefix + hex)
                {
                    Log.BadImage(_logger, hex, "content does not match its digest");
                    continue;
                }
                var config = ParseConfig(bytes);
                var top = TopChainId(config);
                if (top is not null)
                {
                    _layers.Acquire(top);
                }
                var parentFile = Path.Combine(_metadata, hex, "parent");
                var parent = File.Exists(parentFile) ? File.ReadAllText(parentFile).Trim() : null;
                _images[id] = new Record(id, bytes, config, parent, top);
            }
            catch (Exception e) when (e is IOException or EngineException or JsonException)
            {
                Log.BadImage(_logger, hex, e.Message);
            }
        }
        foreach (var dir in Directory.EnumerateDirectories(_metadata))
        {
            if (!_images.ContainsKey(Digests.Sha256Prefix + Path.GetFileName(dir)))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        if (File.Exists(_repositoriesFile))
        {
            var repos = JsonSerializer.Deserialize(File.ReadAllBytes(_repositoriesFile), StorageJsonContext.Default.RepositoriesFile);
            foreach (var (_, tags) in repos?.Repositories ?? [])
            {
                foreach (var (reference, id) in tags)
                {
                    if (_images.ContainsKey(id))
                    {
                        _tags[reference] = id;
                    }
                }
            }
        }
        if (_layers is LayerStore store)
        {
            store.PruneUnreferencedAsync().GetAwaiter().GetResult();
        }
    }

    internal static ImageConfig ParseConfig(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, StorageJsonContext.Default.ImageConfig)
                ?? throw EngineException.Invalid("invalid image config: null");
        }
        catch (JsonException e)
        {
            throw EngineException.Invalid($"invalid image config: {e.Message}");
        }
    }

    private static string? TopChainId(ImageConfig config)
    {
        var diffIds = config.RootFs?.DiffIds ?? [];
        foreach (var d in diffIds)
        {
            if (!Digests.IsSha256(d))
            {
                throw EngineException.Invalid($"invalid diff id in image config: \"{d}\"");
            }
        }
        return diffIds.Count == 0 ? null : Digests.ChainIds(diffIds)[^1];
    }

    public static string HostArchitecture => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        _ => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
    };

    // ---- queries ----

    public Image? TryGet(string nameOrId)
    {
        _gate.Wait();
        try
        {
            return Resolve(nameOrId) is { } r ? ToImage(r) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Image Get(string nameOrId) => TryGet(nameOrId) ?? throw NoSuchImage(nameOrId);

    internal static EngineException NoSuchImage(string nameOrId)
    {
        if (!LooksLikeId(nameOrId) && Reference.TryParseNamed(nameOrId) is { } named)
        {
            return EngineException.NotFound($"No such image: {named.Repository}:{named.Tag}");
        }
        return EngineException.NotFound($"No such image: {nameOrId}");
    }

    private static bool LooksLikeId(string s) =>
        s.StartsWith(Digests.Sha256Prefix, StringComparison.Ordinal) || (s.Length == 64 && Digests.IsHex(s));

    /// <summary>Docker's lookup order: an id with "sha256:", a repo[:tag] name, then a full id or unique id prefix.</summary>
    private Record? Resolve(string nameOrId)
    {
        if (string.IsNullOrEmpty(nameOrId))
        {
            return null;
        }
        if (nameOrId.StartsWith(Digests.Sha256Prefix, StringComparison.Ordinal))
        {
            return ByIdPrefix(nameOrId[7..]);
        }
        if (nameOrId.Contains('@'))
        {
            return ResolveDigestReference(nameOrId);
        }
        if (Reference.TryParseNamed(nameOrId) is { } named && _tags.TryGetValue(named.Repository + ":" + named.Tag, out var id))
        {
            return _images[id];
        }
        return ByIdPrefix(nameOrId);
    }

    private Record? ByIdPrefix(string hexPrefix)
    {
        if (hexPrefix.Length == 0 || hexPrefix.Length > 64 || !Digests.IsHex(hexPrefix))
        {
            return null;
        }
        if (_images.TryGetValue(Digests.Sha256Prefix + hexPrefix, out var exact))
        {
            return exact;
        }
        Record? found = null;
        foreach (var r in _images.Values)
        {
            if (r.Id.AsSpan(7).StartsWith(hexPrefix, StringComparison.Ordinal))
            {
                if (found is not null)
                {
                    return null; // ambiguous
                }
                found = r;
            }
        }
        return found;
    }

    public IReadOnlyList<Image> List()
    {
        _gate.Wait();
        try
        {
            return [.. _images.Values.Select(ToImage).OrderByDescending(i => i.Created)];
        }
        finally
        {
            _gate.Release();
        }
    }

    public IReadOnlyList<Image> History(string nameOrId)
    {
        _gate.Wait();
        try
        {
            var r = Resolve(nameOrId) ?? throw NoSuchImage(nameOrId);
            var result = new List<Image>();
            var seen = new HashSet<string>();
            while (r is not null && seen.Add(r.Id))
            {
                result.Add(ToImage(r));
                r = r.Parent is null ? null : _images.GetValueOrDefault(r.Parent);
            }
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public byte[] GetConfigBytes(string imageId)
    {
        _gate.Wait();
        try
        {
            return (Resolve(imageId) ?? throw NoSuchImage(imageId)).ConfigBytes;
        }
        finally
        {
            _gate.Release();
        }
    }

    private long LayersSize(ImageConfig config)
    {
        long total = 0;
        foreach (var chain in Digests.ChainIds(config.RootFs?.DiffIds ?? []))
        {
            total += _layers.TryGetLayer(chain)?.Size ?? 0;
        }
        return total;
    }

    private Image ToImage(Record r)
    {
        var c = r.Config;
        var virtualSize = LayersSize(c);
        var parentSize = r.Parent is not null && _images.TryGetValue(r.Parent, out var p) ? LayersSize(p.Config) : 0;
        return new Image
        {
            Id = r.Id,
            Parent = r.Parent,
            Comment = c.Comment ?? "",
            Created = c.Created ?? DateTimeOffset.UnixEpoch,
            Container = c.Container ?? "",
            ContainerConfig = c.ContainerConfig,
            DockerVersion = c.DockerVersion ?? "",
            Author = c.Author ?? "",
            Config = c.Config,
            Architecture = c.Architecture ?? "",
            Os = c.Os ?? "",
            Size = Math.Max(0, virtualSize - parentSize),
            VirtualSize = virtualSize,
            DiffIds = c.RootFs?.DiffIds ?? [],
            TopChainId = r.TopChainId,
            RepoTags = [.. _tags.Where(t => t.Value == r.Id && !IsDigestReference(t.Key)).Select(t => t.Key)],
            RepoDigests = [.. _tags.Where(t => t.Value == r.Id && IsDigestReference(t.Key)).Select(t => t.Key)],
            ConfigHistory = c.History ?? [],
        };
    }

    // ---- adding ----

    public async Task<Image> ImportAsync(Stream archive, ImportOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Repository is not null)
        {
            Reference.ValidateRepository(Reference.Normalize(options.Repository));
            if (options.Tag is not null)
            {
                Reference.ValidateTag(options.Tag);
            }
        }
        var layer = await _layers.RegisterAsync(archive, null, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var message = string.IsNullOrEmpty(options.Comment) ? "Imported from -" : options.Comment;
        var config = new ImageConfig
        {
            Architecture = HostArchitecture,
            Os = "linux",
            Config = options.Config,
            Created = now,
            Comment = message,
            DockerVersion = DockerVersion,
            History = [new HistoryEntry { Created = now, Comment = message }],
            RootFs = new RootFs { DiffIds = [layer.DiffId] },
        };
        var image = await AddAsync(JsonSerializer.SerializeToUtf8Bytes(config, StorageJsonContext.Default.ImageConfig), null, cancellationToken).ConfigureAwait(false);
        if (options.Repository is not null)
        {
            await TagAsync(image.Id, options.Repository, options.Tag, force: true, cancellationToken).ConfigureAwait(false);
            image = Get(image.Id);
        }
        return image;
    }

    public async Task<Image> AddAsync(byte[] configBytes, string? parentImageId, CancellationToken cancellationToken = default)
    {
        var config = ParseConfig(configBytes);
        var top = TopChainId(config);
        var id = Digests.Sha256(configBytes);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var release = false;
        try
        {
            if (_images.TryGetValue(id, out var existing))
            {
                release = true;
                return ToImage(existing);
            }
            if (top is not null && _layers.TryGetLayer(top) is null)
            {
                throw EngineException.NotFound($"layer does not exist: {top}");
            }
            if (parentImageId is not null && !_images.ContainsKey(parentImageId))
            {
                throw NoSuchImage(parentImageId);
            }
            var hex = Digests.Hex(id);
            // Metadata first: the image becomes visible when its content file appears, whole.
            if (parentImageId is not null)
            {
                Directory.CreateDirectory(Path.Combine(_metadata, hex));
                AtomicFile.WriteAllText(Path.Combine(_metadata, hex, "parent"), parentImageId);
            }
            AtomicFile.WriteAllBytes(Path.Combine(_content, hex), configBytes);
            var record = new Record(id, configBytes, config, parentImageId, top);
            _images[id] = record;
            return ToImage(record);
        }
        finally
        {
            _gate.Release();
            if (release && top is not null)
            {
                await _layers.ReleaseAsync(top, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private void SaveTags()
    {
        var file = new RepositoriesFile();
        foreach (var (reference, id) in _tags)
        {
            var (repo, _, _) = Reference.Split(reference);
            if (!file.Repositories.TryGetValue(repo, out var map))
            {
                file.Repositories[repo] = map = [];
            }
            map[reference] = id;
        }
        AtomicFile.WriteAllBytes(_repositoriesFile, JsonSerializer.SerializeToUtf8Bytes(file, StorageJsonContext.Default.RepositoriesFile));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Ignoring image {Id}: {Reason}")]
        public static partial void BadImage(ILogger logger, string id, string reason);
    }
}
