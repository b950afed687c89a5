using System.Text.Json.Nodes;
using Engine.Storage.Archive;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Internal;
using Engine.Storage.Layers;
using Microsoft.Extensions.Options;

namespace Engine.Storage.ImageArchives;

/// <summary>
/// Image archives. Loading unpacks to &lt;DataRoot&gt;/image/&lt;driver&gt;/tmp/load-* (removed when done, and by
/// the image store at start after a crash); layers and images become visible one by one, whole, and a crash
/// part-way leaves at most unnamed images or unreferenced layers, which the stores prune or keep consistently.
/// </summary>
public sealed partial class ImageArchive : IImageArchive
{
    /// <summary>Largest JSON document (config, manifest, index) read into memory.</summary>
    public const int MaxJsonBytes = 8 << 20;

    private readonly IImageStore _images;
    private readonly ILayerStore _layers;
    private readonly string _tmp;

    public ImageArchive(IImageStore images, ILayerStore layers, IOptions<StorageOptions> options)
        : this(images, layers, options.Value.DataRoot)
    {
    }

    public ImageArchive(IImageStore images, ILayerStore layers, string dataRoot)
    {
        _images = images;
        _layers = layers;
        _tmp = Path.Combine(Path.GetFullPath(dataRoot), "image", layers.DriverName, "tmp");
    }

    /// <summary>The temporary directory under the data root that the image store clears at start.</summary>
    public static string TempDirectory(string dataRoot, string driver) => Path.Combine(Path.GetFullPath(dataRoot), "image", driver, "tmp");

    private static string ResolveFile(string root, string name)
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
        var path = RootPath.Resolve(root, rel, create: false);
        if (rel.Length == 0 || Interop.Sys.LStat(path) is not { IsRegular: true })
        {
            throw EngineException.Invalid($"invalid archive: \"{name}\" is not in the archive");
        }
        return path;
    }

    private static byte[] ReadSmall(string root, string name)
    {
        var path = ResolveFile(root, name);
        if (new FileInfo(path).Length > MaxJsonBytes)
        {
            throw EngineException.Invalid($"invalid archive: \"{name}\" is too large");
        }
        return File.ReadAllBytes(path);
    }

    private static JsonNode ParseJson(byte[] bytes, string what)
    {
        try
        {
            return JsonNode.Parse(bytes) ?? throw EngineException.Invalid($"invalid archive: {what} is null");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw EngineException.Invalid($"invalid archive: {what} is not valid JSON: {e.Message}");
        }
    }

    private static string? String(JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>
    /// Registers one layer file on top of <paramref name="parentChainId"/>, checking the blob digest (of the
    /// bytes as stored) and the diffID (of the uncompressed tar) when given. Returns the layer with one
    /// reference for the caller. A layer already present is referenced, not applied again.
    /// </summary>
    private async Task<LayerInfo> RegisterLayerAsync(string file, string? parentChainId, string? expectedDiffId, string? expectedBlobDigest, int index, CancellationToken cancellationToken)
    {
        if (expectedDiffId is not null && _layers.TryGetLayer(Digests.ChainId(parentChainId, expectedDiffId)) is not null)
        {
            try
            {
                return _layers.Acquire(Digests.ChainId(parentChainId, expectedDiffId));
            }
            catch (EngineException e) when (e.Kind == ErrorKind.NotFound)
            {
                // removed meanwhile: apply it
            }
        }
        var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var _ = fs.ConfigureAwait(false);
        using var blob = new DigestingStream(fs, leaveOpen: true);
        var layer = await _layers.RegisterAsync(blob, parentChainId, cancellationToken).ConfigureAwait(false);
        try
        {
            await blob.DrainAsync(cancellationToken).ConfigureAwait(false);
            if (expectedBlobDigest is not null && blob.Digest != expectedBlobDigest)
            {
                throw EngineException.Invalid($"invalid archive: layer {index} has digest {blob.Digest}, expected {expectedBlobDigest}");
            }
            if (expectedDiffId is not null && layer.DiffId != expectedDiffId)
            {
                throw EngineException.Invalid($"invalid diffID for layer {index}: expected \"{expectedDiffId}\", got \"{layer.DiffId}\"");
            }
            return layer;
        }
        catch
        {
            await _layers.ReleaseAsync(layer.ChainId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases references this load took on layers, except the one an image took over.</summary>
    private async Task ReleaseAllAsync(IEnumerable<string> chainIds)
    {
        foreach (var chain in chainIds)
        {
            await _layers.ReleaseAsync(chain, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<List<string>> TagAsync(string imageId, IEnumerable<string> references, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        foreach (var reference in references)
        {
            var (repo, tag, digest) = Reference.Split(reference);
            if (digest is not null)
            {
                continue;
            }
            repo = Reference.Normalize(repo);
            tag ??= Reference.DefaultTag;
            await _images.TagAsync(imageId, repo, tag, force: true, cancellationToken).ConfigureAwait(false);
            tags.Add(repo + ":" + tag);
        }
        return tags;
    }

    private string NewTempDir(string prefix)
    {
        Directory.CreateDirectory(_tmp);
        var dir = Path.Combine(_tmp, prefix + AtomicFile.RandomId(8));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
