using System.Text.Json.Nodes;
using Engine.Storage.Archive;
using Engine.Storage.Errors;
using Engine.Storage.Layers;

namespace Engine.Storage.ImageArchives;

public sealed partial class ImageArchive
{
    public async Task<IReadOnlyList<LoadedImage>> LoadAsync(Stream archive, CancellationToken cancellationToken = default)
    {
        // One pass over the archive: layers are applied (staged) as they stream by when the driver allows it;
        // once the whole archive is read, the manifest says how to chain them.
        using var contents = await ArchiveContents.ReadAsync(archive, _layers, NewTempDirName("load-"), cancellationToken).ConfigureAwait(false);
        if (contents.Exists("manifest.json"))
        {
            return await LoadDockerAsync(contents, cancellationToken).ConfigureAwait(false);
        }
        if (contents.Exists("index.json") && contents.Exists("oci-layout"))
        {
            return await LoadOciAsync(contents, cancellationToken).ConfigureAwait(false);
        }
        if (contents.Exists("repositories") || contents.HasAnyJsonFile())
        {
            return await LoadLegacyAsync(contents, cancellationToken).ConfigureAwait(false);
        }
        throw EngineException.Invalid("invalid archive: it holds no manifest.json, index.json or repositories");
    }

    /// <summary>docker save since 1.10: manifest.json lists each image's config file, layer files and names.</summary>
    private async Task<IReadOnlyList<LoadedImage>> LoadDockerAsync(ArchiveContents dir, CancellationToken cancellationToken)
    {
        var manifest = ParseJson(dir.ReadSmall("manifest.json"), "manifest.json") as JsonArray
            ?? throw EngineException.Invalid("invalid archive: manifest.json is not a list");
        var loaded = new List<LoadedImage>();
        foreach (var item in manifest)
        {
            var configName = String(item, "Config") ?? throw EngineException.Invalid("invalid archive: a manifest.json entry has no Config");
            var layerNames = (item?["Layers"] as JsonArray)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw EngineException.Invalid("invalid archive: bad Layers entry")).ToList() ?? [];
            var repoTags = (item?["RepoTags"] as JsonArray)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").Where(s => s.Length > 0).ToList() ?? [];
            var configBytes = dir.ReadSmall(configName);
            var config = Images.ImageStore.ParseConfig(configBytes);
            var diffIds = config.RootFs?.DiffIds ?? [];
            if (diffIds.Count != layerNames.Count)
            {
                throw EngineException.Invalid($"invalid manifest, layers length mismatch: expected {diffIds.Count}, got {layerNames.Count}");
            }
            var image = await AddImageAsync(configBytes, layerNames.Select(dir.File).ToList(), dir, diffIds, null, null, cancellationToken).ConfigureAwait(false);
            loaded.Add(new LoadedImage(image, await TagAsync(image, repoTags, cancellationToken).ConfigureAwait(false)));
        }
        return loaded;
    }

    /// <summary>Registers the layers in order, then adds the image (which takes over the top layer's reference).</summary>
    private async Task<string> AddImageAsync(byte[] configBytes, IReadOnlyList<ArchiveContents.FileNode> layerFiles, ArchiveContents contents, IReadOnlyList<string> diffIds,
        IReadOnlyList<string?>? blobDigests, string? parentImageId, CancellationToken cancellationToken)
    {
        var held = new List<string>();
        try
        {
            string? parent = null;
            for (var i = 0; i < layerFiles.Count; i++)
            {
                var layer = await RegisterLayerAsync(contents, layerFiles[i], parent, diffIds[i], blobDigests?[i], i, cancellationToken).ConfigureAwait(false);
                held.Add(layer.ChainId);
                parent = layer.ChainId;
            }
            var image = await _images.AddAsync(configBytes, parentImageId, cancellationToken).ConfigureAwait(false);
            if (held.Count > 0)
            {
                held.RemoveAt(held.Count - 1);
            }
            return image.Id;
        }
        finally
        {
            await ReleaseAllAsync(held).ConfigureAwait(false);
        }
    }
}
