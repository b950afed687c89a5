using Engine.Storage.Errors;

namespace Engine.Storage.Layers;

/// <summary>
/// Layers applied before their parent is known (image load with a driver whose layers do not depend on their
/// parent): applied into a driver directory nothing points at, then committed on a parent or discarded.
/// </summary>
public sealed partial class LayerStore
{
    public bool CanStage => _driver.AppliesWithoutParent;

    public async Task<StagedLayer> StageAsync(Stream archive, CancellationToken cancellationToken = default)
    {
        if (!CanStage)
        {
            throw new NotSupportedException($"the {_driver.Name} driver cannot apply a layer without its parent");
        }
        var (cacheId, splitFile, diffId, size, tarSize) = await ApplyNewAsync(archive, null, cancellationToken).ConfigureAwait(false);
        return new StagedLayer(diffId, size, tarSize, cacheId, splitFile);
    }

    public async Task<LayerInfo> CommitStagedAsync(StagedLayer staged, string? parentChainId, CancellationToken cancellationToken = default)
    {
        var chainId = Digests.ChainId(parentChainId, staged.DiffId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_layers.TryGetValue(chainId, out var existing))
            {
                existing.References++;
                return existing.Info; // the staged copy stays staged: the caller discards it or uses it elsewhere
            }
            if (staged.IsCommitted || staged.IsDiscarded)
            {
                throw new InvalidOperationException($"staged layer {staged.DiffId} was already {(staged.IsCommitted ? "committed" : "discarded")}");
            }
            if (parentChainId is not null)
            {
                var parent = _layers.GetValueOrDefault(parentChainId) ?? throw EngineException.NotFound($"layer does not exist: {parentChainId}");
                _driver.SetParent(staged.CacheId, parent.Info.CacheId);
            }
            var info = AddLocked(chainId, staged.DiffId, parentChainId, staged.Size, staged.CacheId, staged.SplitFile, staged.TarSize);
            staged.ChainId = chainId;
            return info;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void DiscardStaged(StagedLayer staged)
    {
        if (staged.IsCommitted || staged.IsDiscarded)
        {
            return;
        }
        staged.IsDiscarded = true;
        _driver.Remove(staged.CacheId);
        File.Delete(staged.SplitFile);
    }
}
