using Engine.Storage.Errors;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);

    public async Task StopAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        Task<int> ended;
        await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (container.Process is not { } process || container.RunEnded is null)
            {
                if (container.Record.State.Restarting)
                {
                    // Stopping a container that waits for its policy restart: it just stays stopped.
                    container.ManualStop = true;
                    container.Record.State.Restarting = false;
                    _store.Save(container);
                    return;
                }
                throw EngineException.NotModified("Container already stopped");
            }
            container.ManualStop = true;
            ended = container.RunEnded.Task;
            var signal = Signals.Parse(container.Record.Config.StopSignal, Signals.SIGTERM);
            if (container.Record.State.Paused)
            {
                // A frozen process cannot act on SIGTERM; Docker kills it outright (and thaws it so that it dies).
                signal = Signals.SIGKILL;
            }
            process.Signal(signal);
            if (signal == Signals.SIGKILL)
            {
                await ThawAfterKillLockedAsync(container).ConfigureAwait(false);
            }
        }
        finally
        {
            container.Lock.Release();
        }
        var wait = timeout ?? DefaultStopTimeout;
        if (wait < TimeSpan.Zero)
        {
            await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await ended.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            container.Process?.Signal(Signals.SIGKILL);
            await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        Publish(container, "stop");
    }

    public async Task KillAsync(string nameOrId, string? signal = null, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        var number = Signals.Parse(signal, Signals.SIGKILL);
        Task<int>? ended = null;
        await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (container.Process is not { } process)
            {
                throw EngineException.Conflict($"Container {container.Id} is not running");
            }
            if (number == Signals.SIGKILL)
            {
                container.ManualStop = true;
                ended = container.RunEnded?.Task;
            }
            process.Signal(number);
            if (number == Signals.SIGKILL)
            {
                await ThawAfterKillLockedAsync(container).ConfigureAwait(false);
            }
        }
        finally
        {
            container.Lock.Release();
        }
        Publish(container, "kill", new Dictionary<string, string> { ["signal"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (ended is not null)
        {
            // SIGKILL cannot be ignored: return once the container is really gone, as Docker does.
            await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task RestartAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        try
        {
            await StopAsync(container.Id, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (EngineException e) when (e.Kind == ErrorKind.NotModified)
        {
        }
        await StartAsync(container.Id, null, cancellationToken).ConfigureAwait(false);
        Publish(container, "restart");
    }

    public async Task<int> WaitAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        while (true)
        {
            Task<int> ended;
            await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (container.Process is null || container.RunEnded is null)
                {
                    return container.Record.State.ExitCode;
                }
                ended = container.RunEnded.Task;
            }
            finally
            {
                container.Lock.Release();
            }
            await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task RemoveAsync(string nameOrId, bool force = false, bool removeVolumes = false, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task<int>? ended = null;
        try
        {
            if (container.Removing)
            {
                throw EngineException.Conflict($"removal of container {container.Id} is already in progress");
            }
            if (container.Process is { } process)
            {
                if (!force)
                {
                    throw EngineException.Conflict($"You cannot remove a running container {container.Id}. Stop the container before attempting removal or use -f");
                }
                container.ManualStop = true;
                process.Signal(Signals.SIGKILL);
                await ThawAfterKillLockedAsync(container).ConfigureAwait(false);
                ended = container.RunEnded?.Task;
            }
            container.Removing = true;
        }
        finally
        {
            container.Lock.Release();
        }
        try
        {
            if (ended is not null)
            {
                await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _layers.RemoveReadWriteLayerAsync(container.Id, cancellationToken).ConfigureAwait(false);
                await _runtime.CleanupAsync(container.Id, cancellationToken).ConfigureAwait(false);
                // Drop the record first: a half-deleted directory without config.json is ignored at load.
                File.Delete(Path.Combine(container.Directory, "config.json"));
                _store.Remove(container);
                if (removeVolumes)
                {
                    ContainerVolumes.RemoveUnused(container, _store.All());
                }
                DropExecs(container);
                Directory.Delete(container.Directory, recursive: true);
            }
            finally
            {
                container.Lock.Release();
            }
        }
        catch
        {
            container.Removing = false;
            throw;
        }
        Publish(container, "destroy");
    }

    public async Task RenameAsync(string nameOrId, string newName, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        if (string.IsNullOrEmpty(newName) || !ValidName().IsMatch(newName))
        {
            throw EngineException.Invalid($"Invalid container name ({newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        newName = newName.TrimStart('/');
        await container.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var old = container.Record.Name;
            if (old == newName)
            {
                throw EngineException.Conflict($"Renaming a container with the same name as its current name");
            }
            _store.ReserveName(newName, container.Id);
            container.Record.Name = newName;
            try
            {
                _store.Save(container);
            }
            catch
            {
                container.Record.Name = old;
                _store.ReleaseName(newName, container.Id);
                throw;
            }
            _store.ReleaseName(old, container.Id);
            Publish(container, "rename", new Dictionary<string, string> { ["oldName"] = "/" + old });
        }
        finally
        {
            container.Lock.Release();
        }
    }

    public Task ResizeAsync(string nameOrId, ushort height, ushort width, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        // Before start (docker run -it resizes early) the size is kept for the process's TTY.
        container.TtySize = (height, width);
        container.Process?.Resize(height, width);
        return Task.CompletedTask;
    }
}
