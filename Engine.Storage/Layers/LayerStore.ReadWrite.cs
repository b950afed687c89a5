using Engine.Storage.Drivers;
using Engine.Storage.Errors;
using Engine.Storage.Internal;

namespace Engine.Storage.Layers;

public sealed partial class LayerStore
{
    public async Task<IReadWriteLayer> CreateReadWriteLayerAsync(string containerId, string? parentChainId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(containerId) || containerId.Contains('/') || containerId is "." or "..")
        {
            throw EngineException.Invalid($"invalid container id \"{containerId}\"");
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_rw.ContainsKey(containerId))
            {
                throw EngineException.Conflict($"a read-write layer already exists for container {containerId}");
            }
            Entry? parent = null;
            if (parentChainId is not null && !_layers.TryGetValue(parentChainId, out parent))
            {
                throw EngineException.NotFound($"layer does not exist: {parentChainId}");
            }
            var mountId = AtomicFile.RandomId();
            _driver.Create(mountId, parent?.Info.CacheId);
            try
            {
                AtomicFile.CreateDirectory(_tmp, MountDir(containerId), dir =>
                {
                    AtomicFile.WriteDurable(Path.Combine(dir, "mount-id"), System.Text.Encoding.ASCII.GetBytes(mountId));
                    if (parentChainId is not null)
                    {
                        AtomicFile.WriteDurable(Path.Combine(dir, "parent"), System.Text.Encoding.ASCII.GetBytes(parentChainId));
                    }
                });
            }
            catch
            {
                _driver.Remove(mountId);
                throw;
            }
            if (parent is not null)
            {
                parent.References++;
            }
            var layer = new ReadWriteLayer(this, containerId, mountId, parent?.Info);
            _rw[containerId] = layer;
            return layer;
        }
        finally
        {
            _gate.Release();
        }
    }

    public IReadWriteLayer GetReadWriteLayer(string containerId)
    {
        _gate.Wait();
        try
        {
            return _rw.GetValueOrDefault(containerId) ?? throw EngineException.NotFound($"no read-write layer for container {containerId}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RemoveReadWriteLayerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_rw.Remove(containerId, out var layer))
            {
                return;
            }
            layer.ForceUnmount();
            AtomicFile.DeleteDirectory(_tmp, MountDir(containerId));
            _driver.Remove(layer.MountId);
            if (layer.Parent is not null)
            {
                ReleaseLocked(layer.Parent.ChainId);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class ReadWriteLayer(LayerStore store, string containerId, string mountId, LayerInfo? parent) : IReadWriteLayer
    {
        private readonly Lock _lock = new();
        private int _mounts;

        public string ContainerId => containerId;
        public string MountId => mountId;
        public LayerInfo? Parent => parent;
        public string? ParentChainId => parent?.ChainId;

        public Task<string> MountAsync(CancellationToken cancellationToken = default)
        {
            lock (_lock)
            {
                var path = store._driver.Get(mountId);
                _mounts++;
                return Task.FromResult(path);
            }
        }

        public Task UnmountAsync(CancellationToken cancellationToken = default)
        {
            lock (_lock)
            {
                if (_mounts > 0)
                {
                    _mounts--;
                }
                // Also when not mounted by this process: the driver drops a mount left by an engine that went away.
                store._driver.Put(mountId);
                return Task.CompletedTask;
            }
        }

        internal void ForceUnmount()
        {
            lock (_lock)
            {
                while (_mounts > 0)
                {
                    _mounts--;
                    store._driver.Put(mountId);
                }
            }
        }

        public long Size() => store._driver.DiffSize(mountId, parent?.CacheId);

        public IReadOnlyList<Change> Changes() => store._driver.Changes(mountId, parent?.CacheId);

        public Stream Diff() => store._driver.Diff(mountId, parent?.CacheId);
    }
}
