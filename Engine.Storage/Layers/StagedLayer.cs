namespace Engine.Storage.Layers;

/// <summary>
/// A layer applied without a parent (<see cref="ILayerStore.StageAsync"/>), not yet visible: it becomes a layer
/// when <see cref="ILayerStore.CommitStagedAsync"/> places it on its parent, or is dropped by
/// <see cref="ILayerStore.DiscardStaged"/>. A crash leaves only a driver directory and a temp file that the
/// layer store removes at open.
/// </summary>
public sealed class StagedLayer
{
    internal StagedLayer(string diffId, long size, long tarSize, string cacheId, string splitFile)
    {
        DiffId = diffId;
        Size = size;
        TarSize = tarSize;
        CacheId = cacheId;
        SplitFile = splitFile;
    }

    /// <summary>sha256 of the uncompressed layer tar.</summary>
    public string DiffId { get; }

    /// <summary>Bytes of regular files written.</summary>
    public long Size { get; }

    /// <summary>Bytes of the uncompressed tar.</summary>
    public long TarSize { get; }

    /// <summary>True once its files became a layer (they can serve only one chain); false while staged or after discard.</summary>
    public bool IsCommitted => ChainId is not null;

    /// <summary>The chainID its files became, once committed.</summary>
    public string? ChainId { get; internal set; }

    internal bool IsDiscarded { get; set; }
    internal string CacheId { get; }
    internal string SplitFile { get; }
}
