using Engine.Storage.Errors;
using Engine.Storage.Layers;

namespace Engine.Storage.Images;

/// <summary>
/// Digest references ("repo@sha256:..." → image id), set by pull and push: they are kept in repositories.json next
/// to the tags (as Docker keeps them), shown as RepoDigests, and resolve like names.
/// </summary>
public sealed partial class ImageStore
{
    public async Task SetDigestReferenceAsync(string repository, string digest, string imageId, CancellationToken cancellationToken = default)
    {
        repository = Reference.Normalize(repository);
        Reference.ValidateRepository(repository);
        if (!Digests.IsSha256(digest))
        {
            throw EngineException.Invalid($"invalid digest \"{digest}\"");
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var image = Resolve(imageId) ?? throw NoSuchImage(imageId);
            _tags[repository + "@" + digest] = image.Id;
            SaveTags();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool IsDigestReference(string key) => key.Contains('@');

    /// <summary>"repo@sha256:hex" to the image it names, or null.</summary>
    private Record? ResolveDigestReference(string nameOrId)
    {
        var (repo, tag, digest) = Reference.Split(nameOrId);
        if (digest is null || tag is not null)
        {
            return null;
        }
        return _tags.TryGetValue(Reference.Normalize(repo) + "@" + digest, out var id) ? _images.GetValueOrDefault(id) : null;
    }
}
