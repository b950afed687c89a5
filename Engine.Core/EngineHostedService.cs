using Engine.Core.Containers;
using Engine.Storage.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Core;

/// <summary>
/// Takes the data root for this engine alone (a lock file), loads the saved containers when the host starts,
/// and stops the running ones when it stops.
/// </summary>
public sealed class EngineHostedService(ContainerManager containers, IOptions<EngineOptions> options) : IHostedService, IDisposable
{
    private FileStream? _lock;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var dataRoot = options.Value.DataRoot;
        Directory.CreateDirectory(dataRoot);
        var path = Path.Combine(dataRoot, "engine.lock");
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Linux.
            _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new EngineException(ErrorKind.Conflict, $"the data root {dataRoot} is in use by another engine", e);
        }
        return containers.LoadAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (options.Value.StopContainersOnShutdown)
        {
            await containers.StopAllAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        Dispose();
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
