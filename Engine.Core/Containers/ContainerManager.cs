using Engine.Core.Events;
using Engine.Core.Runtime;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Engine.Core.Containers;

/// <summary>
/// Owns every container's lifecycle: create, start, stop, kill, wait, remove, attach, logs.
/// State changes of one container are serialised by its lock; the record is saved after each change.
/// See Containers/README.md.
/// </summary>
public sealed partial class ContainerManager : IContainerService
{
    internal const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly ContainerStore _store;
    private readonly IImageStore _images;
    private readonly ILayerStore _layers;
    private readonly IContainerRuntime _runtime;
    private readonly IEventService _events;
    private readonly TimeProvider _time;
    private readonly EngineOptions _options;
    private readonly ILogger<ContainerManager> _logger;
    private readonly Networking.BridgeNetwork _network;
    private int _loaded;

    public ContainerManager(
        IImageStore images,
        ILayerStore layers,
        IContainerRuntime runtime,
        IEventService events,
        TimeProvider time,
        IOptions<EngineOptions> options,
        ILogger<ContainerManager> logger,
        Networking.BridgeNetwork network)
    {
        _network = network;
        _images = images;
        _layers = layers;
        _runtime = runtime;
        _events = events;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _store = new ContainerStore(Path.Combine(_options.DataRoot, "containers"));
    }

    /// <summary>
    /// Loads the containers saved under the data root. Those that were running when the engine went away
    /// are marked exited (their processes did not survive it). Called once by the engine's hosted service.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _loaded, 1) == 1)
        {
            return;
        }
        foreach (var container in _store.Load())
        {
            var state = container.Record.State;
            if (state.Running || state.Restarting)
            {
                LogMarkedExited(container.Id, state.Pid);
                state.Running = false;
                state.Paused = false;
                state.Restarting = false;
                state.Pid = 0;
                state.ExitCode = 128 + Signals.SIGKILL;
                state.FinishedAt = _time.GetUtcNow();
                _store.Save(container);
                try
                {
                    // Kills whatever is left in the container's cgroup and removes it.
                    await _runtime.CleanupAsync(container.Id, cancellationToken).ConfigureAwait(false);
                    await _layers.GetReadWriteLayer(container.Id).UnmountAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is EngineException or IOException or UnauthorizedAccessException)
                {
                    LogCleanupFailed(container.Id, e);
                }
            }
        }
    }

    /// <summary>Stops every running container (the engine is going away).</summary>
    public async Task StopAllAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var running = _store.All().Where(c => c.Process is not null).ToList();
        await Task.WhenAll(running.Select(c => StopAsync(c.Id, timeout, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
    }

    /// <summary>Every exec by id (Exec/ExecManager owns them; kept here so that removal drops a container's execs).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, Exec.ExecInstance> Execs { get; } = new(StringComparer.Ordinal);

    internal Container GetContainer(string nameOrId) => _store.Get(nameOrId);

    /// <summary>Forgets the container's execs (a new run, or removal); those still running are killed.</summary>
    private void DropExecs(Container container)
    {
        foreach (var exec in container.Execs.Values)
        {
            exec.Process?.Signal(Signals.SIGKILL);
            Execs.TryRemove(exec.Id, out _);
        }
        container.Execs.Clear();
    }

    internal bool IsImageInUse(string imageId) => _store.All().Any(c => c.Record.ImageId == imageId);

    internal int Count(Func<string, bool> statusPredicate) => _store.All().Count(c => statusPredicate(c.StatusWord));

    internal void Publish(Container container, string action, IReadOnlyDictionary<string, string>? extra = null)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["image"] = container.Record.Config.Image,
            ["name"] = container.Record.Name,
        };
        if (container.Record.Config.Labels is { } labels)
        {
            foreach (var (k, v) in labels)
            {
                attributes.TryAdd(k, v);
            }
        }
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                attributes[k] = v;
            }
        }
        _events.Publish(new EngineEvent
        {
            Type = "container",
            Action = action,
            ActorId = container.Id,
            From = container.Record.Config.Image,
            Attributes = attributes,
            Time = _time.GetUtcNow(),
        });
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Container {ContainerId} was running (pid {Pid}) when the engine stopped; marked exited")]
    private partial void LogMarkedExited(string containerId, int pid);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Container {ContainerId} started, pid {Pid}")]
    private partial void LogStarted(string containerId, int pid);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Container {ContainerId} exited with {ExitCode}")]
    private partial void LogExited(string containerId, int exitCode);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Container {ContainerId}: cleanup after exit failed")]
    private partial void LogCleanupFailed(string containerId, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Container {ContainerId}: restart by policy failed")]
    private partial void LogRestartFailed(string containerId, Exception exception);
}
