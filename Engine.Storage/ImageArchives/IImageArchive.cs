namespace Engine.Storage.ImageArchives;

/// <summary>docker save / docker load: image archives in and out of the stores.</summary>
public interface IImageArchive
{
    /// <summary>
    /// Writes the named images (and the layers below them) as one tar that Docker 1.7 and current Docker both
    /// load: per-layer folders (VERSION, json, layer.tar), &lt;config digest&gt;.json, manifest.json and, when a
    /// name was given, repositories. "repo" alone means all its tags; an id gives the image without names.
    /// Throws NotFound before writing anything when a name does not resolve.
    /// </summary>
    Task SaveAsync(IReadOnlyList<string> names, Stream output, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="SaveAsync"/>, as a stream to read (names are resolved before it is returned).</summary>
    Stream Save(IReadOnlyList<string> names);

    /// <summary>
    /// Loads a docker save archive (with manifest.json), a Docker 1.7 archive (repositories and per-layer json
    /// only) or an OCI image layout archive (oci-layout, index.json, blobs; gzip or zstd layers). The archive
    /// is unpacked to a temporary directory under the data root (never into memory), every layer is verified
    /// against its digests, and names are set last.
    /// </summary>
    Task<IReadOnlyList<LoadedImage>> LoadAsync(Stream archive, CancellationToken cancellationToken = default);
}

/// <summary>An image an archive held: its id and the names it now has from the archive.</summary>
public sealed record LoadedImage(string Id, IReadOnlyList<string> RepoTags);
