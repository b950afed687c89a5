using Engine.Storage.Images;
using Engine.Storage.Registry;

namespace Engine.Core.Images;

/// <summary>docker pull / push / login / search: the registry client plus the events Docker publishes.</summary>
public sealed partial class ImageService
{
    public async Task<Image> PullAsync(string reference, RegistryAuth? auth = null, IProgress<RegistryProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var image = await registry.PullAsync(reference, auth, progress, cancellationToken).ConfigureAwait(false);
        var named = RegistryReference.Parse(reference);
        Publish(named.Digest is null ? named.ToString() : $"{named.Repository}@{named.Digest}", "pull");
        return image;
    }

    public async Task<IReadOnlyList<PushResult>> PushAsync(string repository, string? tag, RegistryAuth? auth = null, IProgress<RegistryProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = await registry.PushAsync(repository, tag, auth, progress, cancellationToken).ConfigureAwait(false);
        var named = RegistryReference.Parse(repository);
        foreach (var r in results)
        {
            Publish($"{named.Repository}:{r.Tag}", "push");
        }
        return results;
    }

    public Task LoginAsync(RegistryAuth auth, CancellationToken cancellationToken = default) => registry.LoginAsync(auth, cancellationToken);

    public Task<IReadOnlyList<RegistrySearchResult>> SearchAsync(string term, RegistryAuth? auth = null, int limit = 25, CancellationToken cancellationToken = default) =>
        registry.SearchAsync(term, auth, limit, cancellationToken);
}
