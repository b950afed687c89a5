using Engine.Storage.Errors;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    public Task PauseAsync(string nameOrId, CancellationToken cancellationToken = default) => SetPausedAsync(nameOrId, true, cancellationToken);

    public Task UnpauseAsync(string nameOrId, CancellationToken cancellationToken = default) => SetPausedAsync(nameOrId, false, cancellationToken);

    private async Task SetPausedAsync(string nameOrId, bool paused, CancellationToken cancellationToken)
    {
        var container = _store.Get(nameOrId);
        await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = container.Record.State;
            if (container.Process is null || !state.Running)
            {
                throw EngineException.NotRunning($"Container {container.Id} is not running");
            }
            if (state.Paused == paused)
            {
                throw EngineException.Conflict(paused ? $"Container {container.Id} is already paused" : $"Container {container.Id} is not paused");
            }
            await _runtime.SetFrozenAsync(container.Id, paused, cancellationToken).ConfigureAwait(false);
            state.Paused = paused;
            _store.Save(container);
        }
        finally
        {
            container.Lock.Release();
        }
        Publish(container, paused ? "pause" : "unpause");
    }

    /// <summary>
    /// After a SIGKILL to a paused container: the kill stays pending in frozen tasks until they are thawed, so thaw
    /// them (Docker does the same). The caller holds the container's lock.
    /// </summary>
    private async Task ThawAfterKillLockedAsync(Container container)
    {
        if (!container.Record.State.Paused)
        {
            return;
        }
        await _runtime.SetFrozenAsync(container.Id, false, CancellationToken.None).ConfigureAwait(false);
        container.Record.State.Paused = false;
        _store.Save(container);
    }
}
