using System.Runtime.CompilerServices;
using Engine.Core.Logs;

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

    public async IAsyncEnumerable<LogEntry> LogsAsync(string nameOrId, LogsOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var container = _store.Get(nameOrId);
        var follow = options.Follow ? container.LogNotifier : null;
        await foreach (var entry in JsonFileLogReader.ReadAsync(container.LogPath, options, follow, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }
}
