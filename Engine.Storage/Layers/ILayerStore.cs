using Engine.Storage.Drivers;

namespace Engine.Storage.Layers;

/// <summary>Read-write layers of containers, on top of an image's layers.</summary>
public interface ILayerStore
{
    /// <summary>Creates the read-write layer of a container on top of the image layer chain (null: empty).</summary>
    Task<IReadWriteLayer> CreateReadWriteLayerAsync(string containerId, string? parentChainId, CancellationToken cancellationToken = default);

    /// <summary>The container's layer, or NotFound.</summary>
    IReadWriteLayer GetReadWriteLayer(string containerId);

    /// <summary>Unmounts (if mounted) and deletes the container's layer. Idempotent.</summary>
    Task RemoveReadWriteLayerAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>The graph driver in use: "overlay" or "vfs".</summary>
    string DriverName { get; }

    /// <summary>
    /// Applies a layer tar (any supported compression) on top of <paramref name="parentChainId"/> and returns the
    /// layer with one reference taken for the caller. The diffID is hashed while applying. When a layer with the
    /// same chainID exists, the new copy is dropped and the existing layer is referenced instead.
    /// </summary>
    Task<LayerInfo> RegisterAsync(Stream archive, string? parentChainId, CancellationToken cancellationToken = default);

    /// <summary>True when layers can be applied before their parent is known (<see cref="StageAsync"/>): the overlay driver.</summary>
    bool CanStage { get; }

    /// <summary>
    /// Applies a layer tar (any supported compression) without a parent, hashing its diffID and recording its
    /// tar-split; nothing is visible until <see cref="CommitStagedAsync"/>. Only when <see cref="CanStage"/>.
    /// </summary>
    Task<StagedLayer> StageAsync(Stream archive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a staged layer the layer on <paramref name="parentChainId"/> and returns it with one reference for
    /// the caller. When that chainID exists already, the existing layer is referenced and the staged copy stays
    /// staged (to be used elsewhere or discarded).
    /// </summary>
    Task<LayerInfo> CommitStagedAsync(StagedLayer staged, string? parentChainId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a staged layer that was not committed. Idempotent.</summary>
    void DiscardStaged(StagedLayer staged);

    /// <summary>The layer with that chainID, or null. Takes no reference.</summary>
    LayerInfo? TryGetLayer(string chainId);

    /// <summary>Takes one more reference on a layer (NotFound when absent).</summary>
    LayerInfo Acquire(string chainId);

    /// <summary>Drops one reference; at zero the layer is deleted and its parent released. Returns the deleted layers.</summary>
    Task<IReadOnlyList<LayerInfo>> ReleaseAsync(string chainId, CancellationToken cancellationToken = default);

    IReadOnlyList<LayerInfo> Layers();

    /// <summary>The layer's own content as an uncompressed tar with aufs whiteouts (as it was registered when possible).</summary>
    Stream ExportLayer(string chainId);
}

/// <summary>One image layer. Ids are "sha256:hex".</summary>
public sealed record LayerInfo(string ChainId, string DiffId, string? ParentChainId, long Size, string CacheId)
{
    /// <summary>Bytes of the uncompressed layer tar as registered (what <see cref="ILayerStore.ExportLayer"/> yields), when known.</summary>
    public long? TarSize { get; init; }
}

public interface IReadWriteLayer
{
    string ContainerId { get; }

    /// <summary>Mounts the layer (reference-counted) and returns the directory holding the container's root file system.</summary>
    Task<string> MountAsync(CancellationToken cancellationToken = default);

    /// <summary>Drops one mount reference; unmounts at zero.</summary>
    Task UnmountAsync(CancellationToken cancellationToken = default);

    /// <summary>Bytes written by the container (SizeRw).</summary>
    long Size();

    /// <summary>The chainID of the image layer below, or null.</summary>
    string? ParentChainId { get; }

    /// <summary>What the container changed (GET /containers/(id)/changes), sorted by path.</summary>
    IReadOnlyList<Change> Changes();

    /// <summary>The container's changes as a layer tar with aufs whiteouts (commit, export of a diff).</summary>
    Stream Diff();
}
