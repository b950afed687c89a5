using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Storage.ImageArchives;

/// <summary>
/// The Docker 1.7 (API v1.19) format: one folder per layer, named by its v1 id, with json (a v1 image: id,
/// parent, config...) and layer.tar; repositories maps names to v1 ids. Every folder becomes an image whose
/// parent is its v1 parent, with a config converted from the v1 json (rootfs and history added).
/// </summary>
public sealed partial class ImageArchive
{
    private static readonly string[] V1OnlyKeys = ["id", "parent", "Size", "parent_id", "layer_id", "throwaway"];

    private sealed record V1Loaded(string ImageId, List<string> DiffIds, JsonArray History);

    private async Task<IReadOnlyList<LoadedImage>> LoadLegacyAsync(ArchiveContents dir, CancellationToken cancellationToken)
    {
        var done = new Dictionary<string, V1Loaded>(StringComparer.Ordinal);
        var repositories = new List<(string Repo, string Tag, string V1Id)>();
        if (dir.Exists("repositories"))
        {
            var repos = ParseJson(dir.ReadSmall("repositories"), "repositories") as JsonObject
                ?? throw EngineException.Invalid("invalid archive: repositories is not an object");
            foreach (var (repo, tags) in repos)
            {
                foreach (var (tag, id) in tags as JsonObject ?? throw EngineException.Invalid("invalid archive: bad repositories entry"))
                {
                    repositories.Add((repo, tag, id is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw EngineException.Invalid("invalid archive: bad repositories entry")));
                }
            }
        }
        // As Docker 1.7: every layer folder is loaded (parents first), then the names are set.
        var ids = dir.LegacyFolders();
        foreach (var (_, _, v1) in repositories)
        {
            if (!ids.Contains(v1))
            {
                throw EngineException.Invalid($"invalid archive: repositories names {v1}, which is not in the archive");
            }
        }
        foreach (var id in ids)
        {
            await LoadV1Async(dir, id, done, [], cancellationToken).ConfigureAwait(false);
        }
        var loaded = new List<LoadedImage>();
        foreach (var group in repositories.GroupBy(r => r.V1Id))
        {
            var imageId = done[group.Key].ImageId;
            loaded.Add(new LoadedImage(imageId, await TagAsync(imageId, group.Select(g => g.Repo + ":" + g.Tag), cancellationToken).ConfigureAwait(false)));
        }
        if (repositories.Count == 0)
        {
            // Without names, report the images no other image is built on.
            var parents = new HashSet<string>(done.Values.Select(v => _images.TryGet(v.ImageId)?.Parent).OfType<string>());
            loaded.AddRange(done.Values.Where(v => !parents.Contains(v.ImageId)).Select(v => new LoadedImage(v.ImageId, [])));
        }
        return loaded;
    }

    private async Task<V1Loaded> LoadV1Async(ArchiveContents dir, string v1Id, Dictionary<string, V1Loaded> done, HashSet<string> loading, CancellationToken cancellationToken)
    {
        if (done.TryGetValue(v1Id, out var already))
        {
            return already;
        }
        if (v1Id.Length != 64 || !Digests.IsHex(v1Id))
        {
            throw EngineException.Invalid($"invalid archive: invalid image id \"{v1Id}\"");
        }
        if (!loading.Add(v1Id))
        {
            throw EngineException.Invalid($"invalid archive: image {v1Id} is its own ancestor");
        }
        var json = ParseJson(dir.ReadSmall(v1Id + "/json"), v1Id + "/json") as JsonObject
            ?? throw EngineException.Invalid($"invalid archive: {v1Id}/json is not an object");
        if (String(json, "id") is { } inner && inner != v1Id)
        {
            throw EngineException.Invalid($"invalid archive: {v1Id}/json has id {inner}");
        }
        V1Loaded? parent = null;
        if (String(json, "parent") is { Length: > 0 } parentId)
        {
            parent = await LoadV1Async(dir, parentId, done, loading, cancellationToken).ConfigureAwait(false);
        }

        var layerFile = dir.File(v1Id + "/layer.tar");
        var parentChain = parent is null || parent.DiffIds.Count == 0 ? null : Digests.ChainIds(parent.DiffIds)[^1];
        var layer = await RegisterLayerAsync(dir, layerFile, parentChain, null, null, parent?.DiffIds.Count ?? 0, cancellationToken).ConfigureAwait(false);
        var diffIds = new List<string>(parent?.DiffIds ?? []) { layer.DiffId };

        var history = parent is null ? new JsonArray() : (JsonArray)parent.History.DeepClone();
        var entry = new JsonObject();
        if (json["created"] is { } created)
        {
            entry["created"] = created.DeepClone();
        }
        if (String(json, "author") is { Length: > 0 } author)
        {
            entry["author"] = author;
        }
        if (json["container_config"]?["Cmd"] is JsonArray cmd)
        {
            entry["created_by"] = string.Join(' ', cmd.Select(c => c?.ToString()));
        }
        if (String(json, "comment") is { Length: > 0 } comment)
        {
            entry["comment"] = comment;
        }
        history.Add(entry);

        // The config: the v1 json without its v1-only keys, plus rootfs and history; keys sorted as Go writes a map.
        var config = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in json)
        {
            if (!V1OnlyKeys.Contains(key))
            {
                config[key] = value?.DeepClone();
            }
        }
        config["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. diffIds.Select(d => (JsonNode)d)]) };
        config["history"] = history.DeepClone();
        var obj = new JsonObject();
        foreach (var (key, value) in config)
        {
            obj[key] = value;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(obj, ArchiveJsonContext.Default.JsonObject);

        string imageId;
        try
        {
            imageId = (await _images.AddAsync(bytes, parent?.ImageId, cancellationToken).ConfigureAwait(false)).Id;
        }
        catch
        {
            await _layers.ReleaseAsync(layer.ChainId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        var result = new V1Loaded(imageId, diffIds, history);
        done[v1Id] = result;
        loading.Remove(v1Id);
        return result;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonArray))]
internal sealed partial class ArchiveJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
