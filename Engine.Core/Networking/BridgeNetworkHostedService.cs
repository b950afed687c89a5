using Microsoft.Extensions.Hosting;

namespace Engine.Core.Networking;

/// <summary>Starts the bridge network before the containers are loaded, and stops it after they are stopped (hosted services stop in reverse order).</summary>
public sealed class BridgeNetworkHostedService(BridgeNetwork network) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => network.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => network.StopAsync(cancellationToken);
}
