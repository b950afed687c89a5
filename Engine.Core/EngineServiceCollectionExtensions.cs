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
        services.TryAddSingleton<ContainerManager>();
        services.TryAddSingleton<IContainerService>(sp => sp.GetRequiredService<ContainerManager>());
        services.TryAddSingleton<IImageService, ImageService>();
        services.TryAddSingleton<IExecService, ExecManager>();
        services.TryAddSingleton<ISystemService, SystemService>();
        services.TryAddSingleton<Build.IBuildService, Build.BuildService>();
        services.TryAddSingleton<IContainerEngine, ContainerEngine>();
        services.AddHostedService<EngineHostedService>();
        return new ContainerEngineBuilder(services);
    }
}
