using Engine.Storage.Errors;
using Engine.Storage.Internal;

namespace Engine.Storage.Images;

/// <summary>
/// DELETE /images/(name), with Docker's rules: a name is untagged first and the image goes only with its last
/// name; an id deletes the image when its names are all in one repository (or with force); a child image,
/// a running container (always) or a stopped container (unless forced) prevents deletion; parents left
/// without names or children are pruned unless noprune.
/// </summary>
public sealed partial class ImageStore
{
    public Task<IReadOnlyList<ImageDeleteResult>> DeleteAsync(string nameOrId, bool force, bool noPrune, Func<string, bool> isInUse, CancellationToken cancellationToken = default) =>
        DeleteAsync(nameOrId, force, noPrune, id => isInUse(id) ? new ImageUser("", false) : null, cancellationToken);

    public async Task<IReadOnlyList<ImageDeleteResult>> DeleteAsync(string nameOrId, bool force, bool noPrune, Func<string, ImageUser?> findUser, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(nameOrId))
        {
            throw EngineException.Invalid("Image name can not be blank");
        }
        // Ask about containers before taking the lock: the callback may well call back into this store.
        var users = new Dictionary<string, ImageUser?>(StringComparer.Ordinal);
        foreach (var candidate in TryGet(nameOrId) is { } target ? History(target.Id) : [])
        {
            users[candidate.Id] = findUser(candidate.Id);
        }
        findUser = id => users.GetValueOrDefault(id);
        var results = new List<ImageDeleteResult>();
        var released = new List<string>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var image = Resolve(nameOrId) ?? throw NoSuchImage(nameOrId);
            if (!users.ContainsKey(image.Id))
            {
                throw EngineException.Conflict($"conflict: unable to delete {ShortId(image.Id)} - the name was moved to it while deleting, try again");
            }
            var byId = IsIdReference(nameOrId, image.Id);
            var refs = TagsOf(image.Id);
            var tagsChanged = false;
            if (!byId)
            {
                var named = Reference.TryParseNamed(nameOrId)!.Value;
                var key = named.Repository + ":" + named.Tag;
                if (refs.All(r => r == key || r.Contains('@')))
                {
                    // The last tag goes with the digest references left (as current Docker does): the image goes.
                    foreach (var digestRef in refs.Where(r => r != key))
                    {
                        _tags.Remove(digestRef);
                        results.Add(new ImageDeleteResult(digestRef, null));
                    }
                    refs = [key];
                }
                if (refs.Count == 1)
                {
                    // Last name: the image itself would go, so a container using it counts now (children do not:
                    // then the name goes and the image stays, as in Docker).
                    CheckContainerConflicts(image, force, findUser);
                }
                _tags.Remove(key);
                tagsChanged = true;
                results.Add(new ImageDeleteResult(key, null));
                if (refs.Count > 1)
                {
                    SaveTags();
                    return results;
                }
                try
                {
                    DeleteImageLocked(image, force, findUser, !noPrune, results, released, quiet: true);
                }
                finally
                {
                    SaveTags();
                }
                tagsChanged = false;
            }
            else
            {
                var repos = refs.Select(r => Reference.Split(r).Repository).Distinct().Count();
                if (repos <= 1 || force)
                {
                    CheckConflicts(image, force, findUser, ignoreReferences: true);
                    foreach (var r in refs)
                    {
                        _tags.Remove(r);
                        tagsChanged = true;
                        results.Add(new ImageDeleteResult(r, null));
                    }
                }
            }
            if (byId)
            {
                try
                {
                    DeleteImageLocked(image, force, findUser, !noPrune, results, released, quiet: false);
                }
                finally
                {
                    if (tagsChanged)
                    {
                        SaveTags();
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
        foreach (var chain in released)
        {
            foreach (var layer in await _layers.ReleaseAsync(chain, CancellationToken.None).ConfigureAwait(false))
            {
                results.Add(new ImageDeleteResult(null, layer.ChainId));
            }
        }
        return results;
    }

    /// <summary>True unless <paramref name="nameOrId"/> resolved through a repo:tag name.</summary>
    private bool IsIdReference(string nameOrId, string id) =>
        nameOrId.StartsWith(Layers.Digests.Sha256Prefix, StringComparison.Ordinal)
        || Reference.TryParseNamed(nameOrId) is not { } named
        || !_tags.TryGetValue(named.Repository + ":" + named.Tag, out var tagged)
        || tagged != id;

    private List<string> TagsOf(string id) => [.. _tags.Where(t => t.Value == id).Select(t => t.Key)];

    private static void CheckContainerConflicts(Record image, bool force, Func<string, ImageUser?> findUser)
    {
        var shortId = ShortId(image.Id);
        var user = findUser(image.Id);
        if (user is { Running: true })
        {
            throw EngineException.Conflict($"conflict: unable to delete {shortId} (cannot be forced) - image is being used by running container {ShortContainer(user.ContainerId)}");
        }
        if (user is not null && !force)
        {
            throw EngineException.Conflict(user.ContainerId.Length == 0
                ? $"conflict: unable to delete {shortId} (must be forced) - image is being used by a stopped container"
                : $"conflict: unable to delete {shortId} (must be forced) - image is being used by stopped container {ShortContainer(user.ContainerId)}");
        }
    }

    private void CheckConflicts(Record image, bool force, Func<string, ImageUser?> findUser, bool ignoreReferences)
    {
        var conflict = FindConflict(image, force, findUser, ignoreReferences);
        if (conflict is not null)
        {
            throw EngineException.Conflict(conflict);
        }
    }

    private string? FindConflict(Record image, bool force, Func<string, ImageUser?> findUser, bool ignoreReferences)
    {
        var shortId = ShortId(image.Id);
        if (_images.Values.Any(r => r.Parent == image.Id))
        {
            return $"conflict: unable to delete {shortId} (cannot be forced) - image has dependent child images";
        }
        var user = findUser(image.Id);
        if (user is { Running: true })
        {
            return $"conflict: unable to delete {shortId} (cannot be forced) - image is being used by running container {ShortContainer(user.ContainerId)}";
        }
        if (!force)
        {
            if (!ignoreReferences && TagsOf(image.Id).Count > 0)
            {
                return $"conflict: unable to delete {shortId} (must be forced) - image is referenced in one or more repositories";
            }
            if (user is not null)
            {
                return user.ContainerId.Length == 0
                    ? $"conflict: unable to delete {shortId} (must be forced) - image is being used by a stopped container"
                    : $"conflict: unable to delete {shortId} (must be forced) - image is being used by stopped container {ShortContainer(user.ContainerId)}";
            }
        }
        return null;
    }

    private static string ShortContainer(string id) => id.Length > 12 ? id[..12] : id;

    private void DeleteImageLocked(Record image, bool force, Func<string, ImageUser?> findUser, bool prune, List<ImageDeleteResult> results, List<string> released, bool quiet)
    {
        var conflict = FindConflict(image, force, findUser, ignoreReferences: false);
        if (conflict is not null)
        {
            if (quiet)
            {
                return;
            }
            throw EngineException.Conflict(conflict);
        }
        foreach (var r in TagsOf(image.Id))
        {
            _tags.Remove(r);
            results.Add(new ImageDeleteResult(r, null));
        }
        var hex = Layers.Digests.Hex(image.Id);
        File.Delete(Path.Combine(_content, hex));
        Interop.Sys.FsyncDirectory(_content);
        if (Directory.Exists(Path.Combine(_metadata, hex)))
        {
            Directory.Delete(Path.Combine(_metadata, hex), recursive: true);
        }
        _images.Remove(image.Id);
        results.Add(new ImageDeleteResult(null, image.Id));
        if (image.TopChainId is not null)
        {
            released.Add(image.TopChainId);
        }
        if (prune && image.Parent is not null && _images.TryGetValue(image.Parent, out var parent))
        {
            DeleteImageLocked(parent, force: false, findUser, prune: true, results, released, quiet: true);
        }
    }
}
