using Engine.Storage.Errors;

namespace Engine.Storage.Images;

public sealed partial class ImageStore
{
    public async Task TagAsync(string nameOrId, string repository, string? tag, bool force, CancellationToken cancellationToken = default)
    {
        repository = Reference.Normalize(repository);
        Reference.ValidateRepository(repository);
        tag = string.IsNullOrEmpty(tag) ? Reference.DefaultTag : tag;
        Reference.ValidateTag(tag);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var image = Resolve(nameOrId) ?? throw NoSuchImage(nameOrId);
            var key = repository + ":" + tag;
            if (_tags.TryGetValue(key, out var old))
            {
                if (old == image.Id)
                {
                    return;
                }
                if (!force)
                {
                    throw EngineException.Conflict($"Conflict: Tag {tag} is already set to image {ShortId(old)}, if you want to replace it, please use -f option");
                }
            }
            _tags[key] = image.Id;
            SaveTags();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The short form Docker prints: 12 hex digits.</summary>
    internal static string ShortId(string id) => Layers.Digests.Hex(id)[..12];

    /// <summary>Removes one repo:tag; true when it existed.</summary>
    internal async Task<bool> UntagAsync(string repository, string tag, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_tags.Remove(repository + ":" + tag))
            {
                return false;
            }
            SaveTags();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
