using Engine.Storage.Layers;

namespace Engine.Storage.Images;

/// <summary>Images and the names that point at them. Thread-safe; every change is persisted atomically.</summary>
public interface IImageStore
{
    /// <summary>
    /// Imports a root file system tarball (plain, gzip, bzip2, xz or zstd: detected from magic bytes)
    /// as a one-layer image, and tags it when <paramref name="options"/> names a repository.
    /// </summary>
    Task<Image> ImportAsync(Stream archive, ImportOptions options, CancellationToken cancellationToken = default);

    /// <summary>Resolves "name", "name:tag", "sha256:hex", a full hex id or a unique id prefix.</summary>
    Image? TryGet(string nameOrId);

    /// <summary>As <see cref="TryGet"/>, or throws NotFound "No such image: X".</summary>
    Image Get(string nameOrId);

    IReadOnlyList<Image> List();

    /// <summary>Points repo:tag (tag defaults to "latest") at the image.</summary>
    Task TagAsync(string nameOrId, string repository, string? tag, bool force, CancellationToken cancellationToken = default);

    /// <summary>
    /// Untags or deletes as Docker does; <paramref name="isInUse"/> tells whether a container uses an
    /// image id (then 409 unless forced). Returns Docker's Untagged/Deleted list.
    /// </summary>
    Task<IReadOnlyList<ImageDeleteResult>> DeleteAsync(string nameOrId, bool force, bool noPrune, Func<string, bool> isInUse, CancellationToken cancellationToken = default);

    /// <summary>
    /// As the other overload, with the container that uses an image id (or null) so the conflict names it and
    /// tells a running container (never deletable) from a stopped one (deletable with force).
    /// </summary>
    Task<IReadOnlyList<ImageDeleteResult>> DeleteAsync(string nameOrId, bool force, bool noPrune, Func<string, ImageUser?> findUser, CancellationToken cancellationToken = default);

    /// <summary>Parent chain, newest first.</summary>
    IReadOnlyList<Image> History(string nameOrId);

    /// <summary>
    /// Creates an image from a container's read-write layer: its diff becomes a new layer on top of the
    /// parent image's layers, the parent is <paramref name="parentImageId"/> (or the image named by
    /// <paramref name="containerConfig"/>.Image), and repo:tag is set when given.
    /// </summary>
    Task<Image> CommitAsync(IReadWriteLayer rwLayer, ContainerConfig? config, string? comment, string? author, string? repository, string? tag,
        string? containerId, ContainerConfig? containerConfig, string? parentImageId = null, CancellationToken cancellationToken = default);

    /// <summary>The exact config bytes the image id is the digest of.</summary>
    byte[] GetConfigBytes(string imageId);

    /// <summary>
    /// Adds an image from its config bytes; every layer in its rootfs must already be registered (the caller's
    /// reference on the top layer is taken over). Tags are not touched. Returns the existing image when the
    /// id is known (and then releases the caller's reference).
    /// </summary>
    Task<Image> AddAsync(byte[] configBytes, string? parentImageId, CancellationToken cancellationToken = default);

    /// <summary>Points "repo@digest" (a registry manifest digest) at the image: shown in RepoDigests, resolvable as a name.</summary>
    Task SetDigestReferenceAsync(string repository, string digest, string imageId, CancellationToken cancellationToken = default);
}

public sealed class ImportOptions
{
    public string? Repository { get; init; }
    public string? Tag { get; init; }
    public string? Comment { get; init; }
    public ContainerConfig? Config { get; init; }
}

/// <summary>One entry of DELETE /images: exactly one of the two is set.</summary>
public sealed record ImageDeleteResult(string? Untagged, string? Deleted);

/// <summary>A container that uses an image: its id and whether it runs.</summary>
public sealed record ImageUser(string ContainerId, bool Running);
