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
}
