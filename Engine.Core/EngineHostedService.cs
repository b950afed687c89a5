using Engine.Core.Containers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Core;

/// <summary>Loads the saved containers when the host starts and stops the running ones when it stops.</summary>
public sealed class EngineHostedService(ContainerManager containers, IOptions<EngineOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => containers.LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) =>
        options.Value.StopContainersOnShutdown ? containers.StopAllAsync(TimeSpan.FromSeconds(10), cancellationToken) : Task.CompletedTask;
}
