using Engine.Storage.Images;

namespace Engine.Storage.Registry;

/// <summary>
/// Docker registry v2 client bound to the local stores: pull (manifest, config, layers streamed into the layer
/// store), push (layers exported byte-exact and gzipped on the fly), login and a catalog-based search.
/// </summary>
public interface IImageRegistry
{
    /// <summary>
    /// Pulls "name[:tag]" or "name@sha256:..." (tag "latest" when neither is given) and tags it locally; sets the
    /// repository's digest reference (RepoDigests). Layers whose chainID is present are not downloaded.
    /// </summary>
    Task<Image> PullAsync(string reference, RegistryAuth? auth, IProgress<RegistryProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Pushes the repository's tag (or every tag of the repository when <paramref name="tag"/> is null).</summary>
    Task<IReadOnlyList<PushResult>> PushAsync(string repository, string? tag, RegistryAuth? auth, IProgress<RegistryProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Checks credentials against the registry's /v2/ (basic or token); Unauthorized when refused.</summary>
    Task LoginAsync(RegistryAuth auth, CancellationToken cancellationToken = default);

    /// <summary>
    /// Searches "host[:port]/text" through the registry's /v2/_catalog (repositories whose name contains text).
    /// The default registry's v1 search API is not reachable: NotFound-free InvalidParameter for a term without host.
    /// </summary>
    Task<IReadOnlyList<RegistrySearchResult>> SearchAsync(string term, RegistryAuth? auth, int limit = 25, CancellationToken cancellationToken = default);
}
