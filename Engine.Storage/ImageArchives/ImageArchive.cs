using System.Text.Json.Nodes;
using Engine.Storage.Archive;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Internal;
using Engine.Storage.Layers;
using Microsoft.Extensions.Options;

namespace Engine.Storage.ImageArchives;

/// <summary>
/// Image archives. Loading reads the archive once (<see cref="ArchiveContents"/>): layers are staged as they
/// stream by (or copied to &lt;DataRoot&gt;/image/&lt;driver&gt;/tmp/load-* when the driver needs their parent
/// first), then chained in manifest order; temp files and staged layers are removed when done, and by the
/// stores at start after a crash. Layers and images become visible one by one, whole, and a crash part-way
/// leaves at most unnamed images or unreferenced layers, which the stores prune or keep consistently.
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
    private async Task<LayerInfo> RegisterLayerAsync(ArchiveContents contents, ArchiveContents.FileNode file, string? parentChainId,
        string? expectedDiffId, string? expectedBlobDigest, int index, CancellationToken cancellationToken)
    {
        switch (file)
        {
            case ArchiveContents.UnusableFile unusable:
                throw EngineException.Invalid($"invalid archive: layer {index}: {unusable.Error}");
            case ArchiveContents.StagedFile staged:
                return await CommitStagedAsync(contents, staged, parentChainId, expectedDiffId, expectedBlobDigest, index, cancellationToken).ConfigureAwait(false);
        }
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
        var fs = file is ArchiveContents.TempFile temp
            ? new FileStream(temp.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan)
            : (Stream)new MemoryStream(((ArchiveContents.MemoryFile)file).Bytes, writable: false);
        await using var _ = fs.ConfigureAwait(false);
        using var blob = new DigestingStream(fs, leaveOpen: true);
        var layer = await _layers.RegisterAsync(blob, parentChainId, cancellationToken).ConfigureAwait(false);
        try
        {
            await blob.DrainAsync(cancellationToken).ConfigureAwait(false);
            CheckDigests(blob.Digest, layer.DiffId, expectedBlobDigest, expectedDiffId, index);
            return layer;
        }
        catch
        {
            await _layers.ReleaseAsync(layer.ChainId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A layer applied while the archive streamed by: its digests are checked before anything becomes visible.
    /// Its files can serve one chain; a second chain (the same blob at another position) gets a copy made by
    /// replaying the first one's tar.
    /// </summary>
    private async Task<LayerInfo> CommitStagedAsync(ArchiveContents contents, ArchiveContents.StagedFile file, string? parentChainId,
        string? expectedDiffId, string? expectedBlobDigest, int index, CancellationToken cancellationToken)
    {
        CheckDigests(file.BlobDigest, file.Staged.DiffId, expectedBlobDigest, expectedDiffId, index);
        var chainId = Digests.ChainId(parentChainId, file.Staged.DiffId);
        var staged = file.Staged;
        if (staged.IsCommitted && _layers.TryGetLayer(chainId) is null)
        {
            var copy = _layers.ExportLayer(staged.ChainId!);
            await using (copy.ConfigureAwait(false))
            {
                staged = await _layers.StageAsync(copy, cancellationToken).ConfigureAwait(false);
            }
            contents.Track(staged);
        }
        return await _layers.CommitStagedAsync(staged, parentChainId, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckDigests(string blobDigest, string diffId, string? expectedBlobDigest, string? expectedDiffId, int index)
    {
        if (expectedBlobDigest is not null && blobDigest != expectedBlobDigest)
        {
            throw EngineException.Invalid($"invalid archive: layer {index} has digest {blobDigest}, expected {expectedBlobDigest}");
        }
        if (expectedDiffId is not null && diffId != expectedDiffId)
        {
            throw EngineException.Invalid($"invalid diffID for layer {index}: expected \"{expectedDiffId}\", got \"{diffId}\"");
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
        var dir = NewTempDirName(prefix);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A fresh name under tmp/ (created there, not the directory itself: only loads that spill files need it).</summary>
    private string NewTempDirName(string prefix)
    {
        Directory.CreateDirectory(_tmp);
        return Path.Combine(_tmp, prefix + AtomicFile.RandomId(8));
    }
}
