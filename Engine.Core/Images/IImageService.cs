using Engine.Storage.ImageArchives;
using Engine.Storage.Images;
using Engine.Storage.Registry;

namespace Engine.Core.Images;

/// <summary>Images as the engine exposes them: the store plus events and the in-use checks against containers.</summary>
public interface IImageService
{
    Task<Image> ImportAsync(Stream archive, ImportOptions options, CancellationToken cancellationToken = default);
    Image Get(string nameOrId);
    IReadOnlyList<Image> List(bool all = false, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null);
    Task TagAsync(string nameOrId, string repository, string? tag, bool force, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<ImageDeleteResult>> DeleteAsync(string nameOrId, bool force, bool noPrune, CancellationToken cancellationToken = default);
    IReadOnlyList<Image> History(string nameOrId);

    /// <summary>
    /// docker history: the image config's build steps, newest first, with the ids of the images the engine
    /// knows for them (the image itself and its parents) and each step's layer size.
    /// </summary>
    IReadOnlyList<ImageHistoryEntry> GetHistory(string nameOrId);

    /// <summary>
    /// Imports a root file system tarball downloaded from an http or https URL (streamed into the import, never
    /// held whole). <paramref name="progress"/> hears Docker's status lines.
    /// </summary>
    Task<Image> ImportAsync(Uri source, ImportOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// docker save: writes the named images as one archive to <paramref name="output"/>. Names are resolved before
    /// anything is written (NotFound then). Publishes "save" for each image.
    /// </summary>
    Task SaveAsync(IReadOnlyList<string> names, Stream output, CancellationToken cancellationToken = default);

    /// <summary>docker load: docker-save, Docker 1.7 and OCI archives (any supported compression). Publishes "load".</summary>
    Task<IReadOnlyList<LoadedImage>> LoadAsync(Stream archive, CancellationToken cancellationToken = default);

    /// <summary>docker commit: a new image from a container's changes (see <see cref="CommitOptions"/>). Publishes the container's "commit".</summary>
    Task<Image> CommitAsync(string containerNameOrId, CommitOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// docker pull "name[:tag]" or "name@sha256:...": downloads what is missing from the registry (v2 API; plain HTTP for
    /// localhost and 127.0.0.0/8), tags it and sets its RepoDigests. <paramref name="progress"/> hears Docker's messages.
    /// Publishes "pull".
    /// </summary>
    Task<Image> PullAsync(string reference, RegistryAuth? auth = null, IProgress<RegistryProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>docker push of one tag, or of every tag of the repository when <paramref name="tag"/> is null. Publishes "push".</summary>
    Task<IReadOnlyList<PushResult>> PushAsync(string repository, string? tag, RegistryAuth? auth = null, IProgress<RegistryProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>docker login: checks the credentials against the registry named by <see cref="RegistryAuth.ServerAddress"/> (Unauthorized when refused).</summary>
    Task LoginAsync(RegistryAuth auth, CancellationToken cancellationToken = default);

    /// <summary>docker search "HOST[:PORT]/TEXT" through the registry's catalog (see Engine.Storage/Registry/README.md).</summary>
    Task<IReadOnlyList<RegistrySearchResult>> SearchAsync(string term, RegistryAuth? auth = null, int limit = 25, CancellationToken cancellationToken = default);
}
