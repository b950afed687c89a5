namespace Engine.Storage.Images;

/// <summary>An image as the store knows it. Id is "sha256:&lt;hex&gt;" of the image config.</summary>
public sealed class Image
{
    public required string Id { get; init; }
    public string? Parent { get; init; }
    public string Comment { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    public string Container { get; init; } = "";
    public ContainerConfig? ContainerConfig { get; init; }
    public string DockerVersion { get; init; } = "";
    public string Author { get; init; } = "";
    public ContainerConfig? Config { get; init; }
    public string Architecture { get; init; } = "amd64";
    public string Os { get; init; } = "linux";
    /// <summary>Size of this image's own (top) layer in bytes.</summary>
    public long Size { get; init; }
    /// <summary>Size of all layers.</summary>
    public long VirtualSize { get; init; }
    /// <summary>diffIDs ("sha256:...") of the layers, bottom first.</summary>
    public IReadOnlyList<string> DiffIds { get; init; } = [];
    /// <summary>ChainID of the top layer, or null for an image without layers.</summary>
    public string? TopChainId { get; init; }
    public IReadOnlyList<string> RepoTags { get; init; } = [];
    public IReadOnlyList<string> RepoDigests { get; init; } = [];
    public Dictionary<string, string>? Labels => Config?.Labels;
    /// <summary>The config's history (build steps, newest last), as GET /images/(name)/history shows it.</summary>
    public IReadOnlyList<HistoryEntry> ConfigHistory { get; init; } = [];
}
