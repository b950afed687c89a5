using System.Runtime.CompilerServices;
using Engine.Core.Logs;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

public sealed partial class ContainerManager
{
    public Task<IContainerAttachment> AttachAsync(string nameOrId, AttachOptions options, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        var replay = options.Logs
            ? JsonFileLogReader.ReadAsync(container.LogPath, new LogsOptions { Stdout = options.Stdout, Stderr = options.Stderr }, follow: null, cancellationToken)
            : null;
        IContainerAttachment attachment = new ContainerAttachment(container, options, replay);
        Publish(container, "attach");
        return Task.FromResult(attachment);
    }

    /// <summary>Checks the container and its log driver at once (so a caller learns of an error before it answers), then reads.</summary>
    public IAsyncEnumerable<LogEntry> LogsAsync(string nameOrId, LogsOptions options, CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        if (!Logs.LogDrivers.IsReadable(container.Record.HostConfig.LogConfig))
        {
            throw new EngineException(ErrorKind.Internal, $"\"logs\" command is supported only for \"json-file\" logging driver (got: {container.Record.HostConfig.LogConfig.Type})");
        }
        return ReadLogsAsync(container, options, cancellationToken);
    }

    private static async IAsyncEnumerable<LogEntry> ReadLogsAsync(Container container, LogsOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var follow = options.Follow ? container.LogNotifier : null;
        await foreach (var entry in JsonFileLogReader.ReadAsync(container.LogPath, options, follow, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }
}
