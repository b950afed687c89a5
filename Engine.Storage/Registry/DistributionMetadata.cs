using System.Text.Json;
using Engine.Storage.Internal;
using Engine.Storage.Layers;

namespace Engine.Storage.Registry;

/// <summary>
/// Which compressed blobs a layer (by diffID) is known as, and in which registry repositories:
/// &lt;root&gt;/v2metadata-by-diffid/sha256/&lt;hex&gt; holds a JSON list of {Digest, SourceRepository, Size}.
/// Pulls record the blob they downloaded; pushes record the blob they uploaded, so the next push of the same
/// layer asks the registry (HEAD) instead of compressing again.
/// </summary>
internal sealed class DistributionMetadata(string root)
{
    private readonly string _dir = Path.Combine(root, "v2metadata-by-diffid", "sha256");
    private readonly Lock _lock = new();

    public IReadOnlyList<BlobRecord> Get(string diffId)
    {
        var file = Path.Combine(_dir, Digests.Hex(diffId));
        lock (_lock)
        {
            try
            {
                return File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllBytes(file), RegistryJsonContext.Default.ListBlobRecord) ?? [] : [];
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                return [];
            }
        }
    }

    public void Add(string diffId, BlobRecord record)
    {
        lock (_lock)
        {
            var list = Get(diffId).Where(r => !(r.Digest == record.Digest && r.SourceRepository == record.SourceRepository)).ToList();
            list.Insert(0, record);
            Directory.CreateDirectory(_dir);
            AtomicFile.WriteAllBytes(Path.Combine(_dir, Digests.Hex(diffId)),
                JsonSerializer.SerializeToUtf8Bytes(list.Take(16).ToList(), RegistryJsonContext.Default.ListBlobRecord));
        }
    }
}
