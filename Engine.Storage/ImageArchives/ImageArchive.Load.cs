using System.Text.Json.Nodes;
using Engine.Storage.Archive;
using Engine.Storage.Errors;
using Engine.Storage.Layers;

namespace Engine.Storage.ImageArchives;

public sealed partial class ImageArchive
{
    public async Task<IReadOnlyList<LoadedImage>> LoadAsync(Stream archive, CancellationToken cancellationToken = default)
    {
        var dir = NewTempDir("load-");
        try
        {
            // Unpacked like a layer but with nothing special about .wh. names, and no devices.
            var (tar, _) = await Decompression.OpenAsync(archive, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            await using (tar.ConfigureAwait(false))
            {
                try
                {
                    await LayerApplier.ApplyAsync(tar, dir, WhiteoutMode.None, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
                {
                    throw EngineException.Invalid($"invalid archive: {e.Message}");
                }
            }
            if (File.Exists(Path.Combine(dir, "manifest.json")))
            {
                return await LoadDockerAsync(dir, cancellationToken).ConfigureAwait(false);
            }
            if (File.Exists(Path.Combine(dir, "index.json")) && File.Exists(Path.Combine(dir, "oci-layout")))
            {
                return await LoadOciAsync(dir, cancellationToken).ConfigureAwait(false);
            }
            if (File.Exists(Path.Combine(dir, "repositories")) || Directory.EnumerateFiles(dir, "json", SearchOption.AllDirectories).Any())
            {
                return await LoadLegacyAsync(dir, cancellationToken).ConfigureAwait(false);
            }
            throw EngineException.Invalid("invalid archive: it holds no manifest.json, index.json or repositories");
        }
        finally
        {
            Drivers.FileTree.RemoveAll(dir);
        }
    }

    /// <summary>docker save since 1.10: manifest.json lists each image's config file, layer files and names.</summary>
    private async Task<IReadOnlyList<LoadedImage>> LoadDockerAsync(string dir, CancellationToken cancellationToken)
    {
        var manifest = ParseJson(ReadSmall(dir, "manifest.json"), "manifest.json") as JsonArray
            ?? throw EngineException.Invalid("invalid archive: manifest.json is not a list");
        var loaded = new List<LoadedImage>();
        foreach (var item in manifest)
        {
            var configName = String(item, "Config") ?? throw EngineException.Invalid("invalid archive: a manifest.json entry has no Config");
            var layerNames = (item?["Layers"] as JsonArray)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw EngineException.Invalid("invalid archive: bad Layers entry")).ToList() ?? [];
            var repoTags = (item?["RepoTags"] as JsonArray)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").Where(s => s.Length > 0).ToList() ?? [];
            var configBytes = ReadSmall(dir, configName);
            var config = Images.ImageStore.ParseConfig(configBytes);
            var diffIds = config.RootFs?.DiffIds ?? [];
            if (diffIds.Count != layerNames.Count)
            {
                throw EngineException.Invalid($"invalid manifest, layers length mismatch: expected {diffIds.Count}, got {layerNames.Count}");
            }
            var image = await AddImageAsync(configBytes, layerNames.Select(n => ResolveFile(dir, n)).ToList(), diffIds, null, null, cancellationToken).ConfigureAwait(false);
            loaded.Add(new LoadedImage(image, await TagAsync(image, repoTags, cancellationToken).ConfigureAwait(false)));
        }
        return loaded;
    }

    /// <summary>Registers the layers in order, then adds the image (which takes over the top layer's reference).</summary>
    private async Task<string> AddImageAsync(byte[] configBytes, IReadOnlyList<string> layerFiles, IReadOnlyList<string> diffIds,
        IReadOnlyList<string?>? blobDigests, string? parentImageId, CancellationToken cancellationToken)
    {
        var held = new List<string>();
        try
        {
            string? parent = null;
            for (var i = 0; i < layerFiles.Count; i++)
            {
                var layer = await RegisterLayerAsync(layerFiles[i], parent, diffIds[i], blobDigests?[i], i, cancellationToken).ConfigureAwait(false);
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
