using Engine.Core.Containers;
using Engine.Core.Events;
using Engine.Core.Exec;
using Engine.Core.Images;
using Engine.Core.Runtime;
using Engine.Core.SystemInfo;
using Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Engine.Core;

/// <summary>Builder returned by AddContainerEngine, exposing the service collection for further registrations.</summary>
public sealed class ContainerEngineBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;
}

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the whole engine (storage, runtime, containers, exec, images, events, system) with TryAdd, so a
    /// host can replace any part. Options are validated at start. A hosted service loads saved containers
    /// at start and stops running ones at shutdown.
    /// </summary>
    public static ContainerEngineBuilder AddContainerEngine(this IServiceCollection services, Action<EngineOptions>? configure = null)
    {
        var options = services.AddOptions<EngineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options
            .Validate(o => Path.IsPathRooted(o.DataRoot) && Path.IsPathRooted(o.ExecRoot), "DataRoot and ExecRoot must be absolute paths.")
            .Validate(o => o.StorageDriver is null or "overlay" or "vfs", "StorageDriver must be overlay or vfs.")
            .Validate(o => o.Bridge is { Length: > 0 and <= 15 } && !o.Bridge.Contains('/') && !o.Bridge.Contains(' '), "Bridge must be an interface name of 1 to 15 characters, or \"none\".")
            .Validate(o => string.IsNullOrEmpty(o.BridgeIp) || Networking.Ipv4Subnet.TryParse(o.BridgeIp, out _), "BridgeIp must be an IPv4 CIDR such as 172.29.0.1/16.")
            .Validate(o => o.Mtu is 0 or (>= 68 and <= 65535), "Mtu must be 0 (default) or 68..65535.")
            .ValidateOnStart();
        services.AddEngineStorage();
        services.AddOptions<StorageOptions>().Configure<IOptions<EngineOptions>>((s, e) =>
        {
            s.DataRoot = e.Value.DataRoot;
            s.Driver = e.Value.StorageDriver;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IContainerRuntime, LinuxContainerRuntime>();
        services.TryAddSingleton<IEventService, EventService>();
        services.TryAddSingleton<Networking.BridgeNetwork>();
        services.TryAddSingleton<ContainerManager>();
        services.TryAddSingleton<IContainerService>(sp => sp.GetRequiredService<ContainerManager>());
        services.TryAddSingleton<IImageService, ImageService>();
        services.TryAddSingleton<IExecService, ExecManager>();
        services.TryAddSingleton<ISystemService, SystemService>();
        services.TryAddSingleton<Build.IBuildService, Build.BuildService>();
        services.TryAddSingleton<IContainerEngine, ContainerEngine>();
        // Before the engine's: the bridge exists when containers load and is removed after they stopped.
        services.AddHostedService<Networking.BridgeNetworkHostedService>();
        services.AddHostedService<EngineHostedService>();
        return new ContainerEngineBuilder(services);
    }
}
