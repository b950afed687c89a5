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

    /// <summary>Parent chain, newest first.</summary>
    IReadOnlyList<Image> History(string nameOrId);
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
