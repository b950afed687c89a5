using System.Text.Json.Nodes;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Storage.ImageArchives;

/// <summary>OCI image layout archives: oci-layout, index.json, blobs/sha256/*; names from the index annotations.</summary>
public sealed partial class ImageArchive
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    private const string ContainerdNameAnnotation = "io.containerd.image.name";

    private static bool IsIndex(string? mediaType) =>
        mediaType is "application/vnd.oci.image.index.v1+json" or "application/vnd.docker.distribution.manifest.list.v2+json";

    private async Task<IReadOnlyList<LoadedImage>> LoadOciAsync(ArchiveContents dir, CancellationToken cancellationToken)
    {
        var index = ParseJson(dir.ReadSmall("index.json"), "index.json");
        var loaded = new List<LoadedImage>();
        foreach (var descriptor in Manifests(index))
        {
            var names = NamesOf(descriptor);
            var manifest = Resolve(dir, descriptor, depth: 0);
            if (manifest is null)
            {
                continue; // an index with nothing for this platform
            }
            var configDigest = String(manifest["config"], "digest") ?? throw EngineException.Invalid("invalid archive: manifest without config");
            var configBytes = ReadBlob(dir, configDigest);
            var config = ImageStore.ParseConfig(configBytes);
            var diffIds = config.RootFs?.DiffIds ?? [];
            var layers = (manifest["layers"] as JsonArray ?? []).ToList();
            if (layers.Count != diffIds.Count)
            {
                throw EngineException.Invalid($"invalid manifest, layers length mismatch: expected {diffIds.Count}, got {layers.Count}");
            }
            var digests = layers.Select(l => String(l, "digest") ?? throw EngineException.Invalid("invalid archive: layer without digest")).ToList();
            var files = digests.Select(d => BlobPath(dir, d)).ToList();
            var image = await AddImageAsync(configBytes, files, dir, diffIds, digests, null, cancellationToken).ConfigureAwait(false);
            loaded.Add(new LoadedImage(image, await TagAsync(image, names, cancellationToken).ConfigureAwait(false)));
        }
        return loaded;
    }

    private static IEnumerable<JsonNode> Manifests(JsonNode index) =>
        (index["manifests"] as JsonArray ?? throw EngineException.Invalid("invalid archive: index.json has no manifests")).Where(m => m is not null)!;

    /// <summary>A full name from the annotations: containerd's image name, else ref.name when it is a whole reference (not just a tag).</summary>
    private static IEnumerable<string> NamesOf(JsonNode descriptor)
    {
        var annotations = descriptor["annotations"];
        var name = String(annotations, ContainerdNameAnnotation);
        if (string.IsNullOrEmpty(name))
        {
            var refName = String(annotations, RefNameAnnotation);
            if (refName is not null && (refName.Contains(':') || refName.Contains('/')))
            {
                name = refName;
            }
        }
        return string.IsNullOrEmpty(name) ? [] : [name];
    }

    /// <summary>Follows indexes down to the image manifest for this host's platform (or the only one).</summary>
    private static JsonNode? Resolve(ArchiveContents dir, JsonNode descriptor, int depth)
    {
        if (depth > 4)
        {
            throw EngineException.Invalid("invalid archive: indexes nested too deep");
        }
        var digest = String(descriptor, "digest") ?? throw EngineException.Invalid("invalid archive: descriptor without digest");
        var node = ParseJson(ReadBlob(dir, digest), digest);
        var mediaType = String(node, "mediaType") ?? String(descriptor, "mediaType");
        if (!IsIndex(mediaType) && node["manifests"] is null)
        {
            return node;
        }
        var candidates = Manifests(node).ToList();
        var match = candidates.FirstOrDefault(m => String(m["platform"], "os") == "linux" && String(m["platform"], "architecture") == ImageStore.HostArchitecture)
            ?? (candidates.Count == 1 ? candidates[0] : null);
        return match is null ? null : Resolve(dir, match, depth + 1);
    }

    private static ArchiveContents.FileNode BlobPath(ArchiveContents dir, string digest)
    {
        if (!Digests.IsSha256(digest))
        {
            throw EngineException.Invalid($"invalid archive: unsupported digest \"{digest}\"");
        }
        return dir.File("blobs/sha256/" + Digests.Hex(digest));
    }

    /// <summary>A JSON blob (manifest, index, config), checked against its digest.</summary>
    private static byte[] ReadBlob(ArchiveContents dir, string digest)
    {
        BlobPath(dir, digest);
        var bytes = dir.ReadSmall("blobs/sha256/" + Digests.Hex(digest));
        if (Digests.Sha256(bytes) != digest)
        {
            throw EngineException.Invalid($"invalid archive: blob {digest} does not match its digest");
        }
        return bytes;
    }
}
