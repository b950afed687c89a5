using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Storage.Archive;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Storage.ImageArchives;

public sealed partial class ImageArchive
{
    private sealed record SaveItem(Image Image, List<string> Tags);

    public Stream Save(IReadOnlyList<string> names)
    {
        var items = ResolveForSave(names);
        return StreamProducer.Start(output => WriteAsync(items, output, CancellationToken.None));
    }

    public Task SaveAsync(IReadOnlyList<string> names, Stream output, CancellationToken cancellationToken = default) =>
        WriteAsync(ResolveForSave(names), output, cancellationToken);

    /// <summary>Names to images and the repo:tag names to record ("repo" alone: all of its tags; an id: none).</summary>
    private List<SaveItem> ResolveForSave(IReadOnlyList<string> names)
    {
        var items = new Dictionary<string, SaveItem>(StringComparer.Ordinal);
        void Add(Image image, string? tag)
        {
            if (!items.TryGetValue(image.Id, out var item))
            {
                items[image.Id] = item = new SaveItem(image, []);
            }
            if (tag is not null && !item.Tags.Contains(tag))
            {
                item.Tags.Add(tag);
            }
        }
        foreach (var name in names)
        {
            var (repo, tag, digest) = Reference.Split(name);
            if (tag is null && digest is null && !name.StartsWith(Digests.Sha256Prefix, StringComparison.Ordinal))
            {
                var normalized = Reference.Normalize(repo);
                var tagged = _images.List().SelectMany(i => i.RepoTags.Where(t => Reference.Split(t).Repository == normalized).Select(t => (i, t))).ToList();
                if (tagged.Count > 0)
                {
                    foreach (var (image, t) in tagged)
                    {
                        Add(image, t);
                    }
                    continue;
                }
            }
            var resolved = _images.Get(name);
            var named = !name.StartsWith(Digests.Sha256Prefix, StringComparison.Ordinal) && Reference.TryParseNamed(name) is { } n && resolved.RepoTags.Contains(n.Repository + ":" + n.Tag)
                ? n.Repository + ":" + n.Tag
                : null;
            Add(resolved, named);
        }
        return [.. items.Values];
    }

    private async Task WriteAsync(List<SaveItem> items, Stream output, CancellationToken cancellationToken)
    {
        var writer = new TarStreamWriter(output, DateTimeOffset.UnixEpoch);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var manifest = new JsonArray();
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var configBytes = _images.GetConfigBytes(item.Image.Id);
            var configName = Digests.Hex(item.Image.Id) + ".json";
            if (written.Add(configName))
            {
                await writer.FileAsync(configName, configBytes, cancellationToken).ConfigureAwait(false);
            }
            var chainIds = Digests.ChainIds(item.Image.DiffIds);
            var layerFiles = new JsonArray();
            string? parentV1 = null;
            for (var i = 0; i < chainIds.Count; i++)
            {
                var top = i == chainIds.Count - 1;
                var v1Id = Digests.Hex(Digests.Sha256(Encoding.ASCII.GetBytes(chainIds[i] + " " + parentV1 + (top ? " " + item.Image.Id : ""))));
                if (written.Add(v1Id))
                {
                    await WriteV1LayerAsync(writer, v1Id, parentV1, chainIds[i], top ? configBytes : null, cancellationToken).ConfigureAwait(false);
                }
                layerFiles.Add((JsonNode)(v1Id + "/layer.tar"));
                parentV1 = v1Id;
            }
            var entry = new JsonObject
            {
                ["Config"] = configName,
                ["RepoTags"] = item.Tags.Count == 0 ? null : new JsonArray([.. item.Tags.Select(t => (JsonNode)t)]),
                ["Layers"] = layerFiles,
            };
            manifest.Add(entry);
            foreach (var tag in item.Tags)
            {
                var (repo, t, _) = Reference.Split(tag);
                if (!repositories.TryGetValue(repo, out var map))
                {
                    repositories[repo] = map = new(StringComparer.Ordinal);
                }
                if (parentV1 is not null)
                {
                    map[t ?? Reference.DefaultTag] = parentV1;
                }
            }
        }
        await writer.FileAsync("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, ArchiveJsonContext.Default.JsonArray), cancellationToken).ConfigureAwait(false);
        if (repositories.Count > 0)
        {
            var repos = new JsonObject();
            foreach (var (repo, tags) in repositories)
            {
                var o = new JsonObject();
                foreach (var (t, id) in tags)
                {
                    o[t] = id;
                }
                repos[repo] = o;
            }
            await writer.FileAsync("repositories", JsonSerializer.SerializeToUtf8Bytes(repos, ArchiveJsonContext.Default.JsonObject), cancellationToken).ConfigureAwait(false);
        }
        await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One v1 folder: VERSION, json (the image's v1 form on the top layer, a bare one below), layer.tar.</summary>
    private async Task WriteV1LayerAsync(TarStreamWriter writer, string v1Id, string? parentV1, string chainId, byte[]? imageConfig, CancellationToken cancellationToken)
    {
        JsonObject json;
        if (imageConfig is not null)
        {
            json = JsonNode.Parse(imageConfig) as JsonObject ?? new JsonObject();
            json.Remove("rootfs");
            json.Remove("history");
            json.Remove("parent");
            var ordered = new JsonObject { ["id"] = v1Id };
            if (parentV1 is not null)
            {
                ordered["parent"] = parentV1;
            }
            foreach (var (key, value) in json.ToList())
            {
                json.Remove(key);
                ordered[key] = value;
            }
            json = ordered;
        }
        else
        {
            json = new JsonObject { ["id"] = v1Id };
            if (parentV1 is not null)
            {
                json["parent"] = parentV1;
            }
            json["created"] = "1970-01-01T00:00:00Z";
            json["container_config"] = JsonSerializer.SerializeToNode(new ContainerConfig(), StorageJsonContextAccess.ContainerConfig);
            json["os"] = "linux";
        }
        await writer.DirectoryAsync(v1Id, cancellationToken).ConfigureAwait(false);
        await writer.FileAsync(v1Id + "/VERSION", "1.0"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await writer.FileAsync(v1Id + "/json", JsonSerializer.SerializeToUtf8Bytes(json, ArchiveJsonContext.Default.JsonObject), cancellationToken).ConfigureAwait(false);

        var layer = _layers.TryGetLayer(chainId) ?? throw EngineException.NotFound($"layer does not exist: {chainId}");
        if (layer.TarSize is { } size)
        {
            var tar = _layers.ExportLayer(chainId);
            await using (tar.ConfigureAwait(false))
            {
                await writer.FileAsync(v1Id + "/layer.tar", tar, size, cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        // Size unknown (no record of the registered tar): spool to learn it.
        var spool = Path.Combine(NewTempDir("save-"), "layer.tar");
        try
        {
            await using (var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var tar = _layers.ExportLayer(chainId);
                await using (tar.ConfigureAwait(false))
                {
                    await tar.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }
                file.Position = 0;
                await writer.FileAsync(v1Id + "/layer.tar", file, file.Length, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Drivers.FileTree.RemoveAll(Path.GetDirectoryName(spool)!);
        }
    }
}
